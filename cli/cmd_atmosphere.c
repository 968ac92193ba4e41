/* SPDX-License-Identifier: MIT */
/* cmd_atmosphere.c: bmdsim atmosphere --altitude-km H. */
#include <string.h>

#include "cli.h"
#include "specs.h"

static const char help[] =
    "usage: bmdsim atmosphere --altitude-km H [--format json|text]\n"
    "\n"
    "The U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562) at geometric altitude H km, from -5 to\n"
    "1000 km: the standard's own equations, including the number-density integrals above 86 km.\n"
    "Prints temperature_K, pressure_Pa, density_kg_m3, speed_of_sound_m_s.\n";

int cmd_atmosphere(int argc, char **argv)
{
    opts o;
    int begun = opts_begin(&o, "atmosphere", spec_atmosphere, argc, argv, help);
    if (begun >= 0)
        return begun;
    bool json;
    if (!parse_format("atmosphere", &o, &json))
        return EXIT_USAGE;
    if (o.n_pos) {
        cli_error("atmosphere", "unexpected argument \"%s\"", o.pos[0]);
        return EXIT_USAGE;
    }
    const char *a = opt_get(&o, "altitude-km");
    if (!a) {
        cli_error("atmosphere", "--altitude-km is required (see bmdsim atmosphere --help)");
        return EXIT_USAGE;
    }
    double h_km;
    if (!parse_double("atmosphere", "altitude-km", a, &h_km))
        return EXIT_USAGE;
    bmd_atmos at;
    if (bmd_atmos_us76(h_km * 1e3, &at) != BMD_OK) {
        cli_error("atmosphere", "--altitude-km: %g km is outside the standard's range [-5, 1000] km",
                  h_km);
        return EXIT_USAGE;
    }
    if (json) {
        cJSON *r = cJSON_CreateObject();
        json_num(r, "altitude_km", h_km);
        json_num(r, "temperature_K", at.temperature_K);
        json_num(r, "pressure_Pa", at.pressure_Pa);
        json_num(r, "density_kg_m3", at.density_kg_m3);
        json_num(r, "speed_of_sound_m_s", at.speed_of_sound_m_s);
        json_num(r, "mean_molar_mass_kg_mol", at.mean_molar_mass_kg_mol);
        cJSON_AddStringToObject(r, "model", "U.S. Standard Atmosphere 1976");
        json_print(r);
    } else {
        printf("U.S. Standard Atmosphere 1976 at %g km geometric altitude\n", h_km);
        printf("  %-26s %14.3f K\n", "temperature", at.temperature_K);
        printf("  %-26s %14.6g Pa\n", "pressure", at.pressure_Pa);
        printf("  %-26s %14.6g kg/m^3\n", "density", at.density_kg_m3);
        printf("  %-26s %14.3f m/s\n", "speed of sound", at.speed_of_sound_m_s);
        printf("  %-26s %14.4f g/mol\n", "mean molar mass", at.mean_molar_mass_kg_mol * 1e3);
    }
    return EXIT_OK;
}
