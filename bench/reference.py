#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Reference implementation of bmdsim's flight equations with scipy's solve_ivp, for the speed
benchmark (bench/run_bench.sh). Independent code: nothing here calls or ports bmdsim.

The model (the equations documented in include/bmd/flight.h and src/flight/flight.c):
  * state r, v in the Earth-centred inertial frame whose axes coincide with ECEF at t = 0; the
    Earth turns about +z at omega = 7.292115e-5 rad/s;
  * gravity: point mass plus J2 (mu = 3.986004418e14 m^3/s^2, J2 = 1.08262668e-3, reference
    radius the WGS-84 a), the gradient of U = -mu/r [1 - J2 (a/r)^2 P2(z/r)];
  * air-relative velocity v_rel = v - omega x r;
  * drag -1/2 rho |v_rel| v_rel Cd(M) A / m while boosting (Cd linear in Mach between the table's
    points, constant beyond its ends), -1/2 rho |v_rel| v_rel / beta after burnout;
  * thrust Isp_vac g0 mdot - A_e p (not below zero), p = rho a^2 / 1.4, along: the launch
    vertical (turning with the Earth) for vertical_rise_s; then cos(k) up + sin(k) d, d the
    horizontal launch direction along the azimuth, with k growing linearly from 0 to the kick
    angle over pitchover_s; then v_rel (gravity turn); mass m0 - mdot t in each stage, a stage's
    gross mass dropped at its burnout; thrust ends at the last burnout or at the cutoff time;
  * U.S. Standard Atmosphere 1976: exact below 86 km from the standard's seven layers; from 86
    to 1000 km, ln(density) and ln(pressure) interpolated linearly in the standard's Table I
    values; nothing above 1000 km;
  * WGS-84 ellipsoid; impact where the geodetic height crosses zero downward, the height from an
    iterated ECEF-to-geodetic conversion.
Each flight is split into phases at the same guidance and staging times as bmdsim; each phase is
one solve_ivp call (DOP853 by default) with a terminal impact event.

The vehicle is read at run time from the catalog YAML files (data/missiles/<file>.yaml with the
missile's id, and data/drag.yaml), so retuning the catalog keeps both implementations in step.

Prints one JSON object: per case, flights per second, impact point, and the distance between the
impact point and the one of a flight at rtol 1e-12 (the reference's own convergence).
"""
import argparse
import glob
import json
import math
import os
import platform
import sys
import time

import numpy as np
import scipy
import yaml
from scipy.integrate import solve_ivp

# --------------------------------------------------------------------------------------------
# Earth: WGS-84 (NIMA TR8350.2 table 3.1), J2 (table 3.3).
# --------------------------------------------------------------------------------------------
A_E = 6378137.0
F_E = 1.0 / 298.257223563
E2 = F_E * (2.0 - F_E)
MU = 3.986004418e14
J2 = 1.08262668e-3
OMEGA = 7.292115e-5
G0 = 9.80665
DEG = math.pi / 180.0


def geodetic_to_ecef(lat, lon, h):
    s = math.sin(lat)
    n = A_E / math.sqrt(1.0 - E2 * s * s)
    c = math.cos(lat)
    return [(n + h) * c * math.cos(lon), (n + h) * c * math.sin(lon), (n * (1.0 - E2) + h) * s]


def lat_height(x, y, z):
    """Geodetic latitude (rad) and height (m) of a point: fixed-point iteration on the latitude,
    tan(lat) = z / (p (1 - e^2 N / (N + h))), from the latitude of the surface point's normal
    through the foot, until it changes by less than 1e-14 rad; then
    h = p cos(lat) + z sin(lat) - a^2 / N, valid at every latitude."""
    p = math.sqrt(x * x + y * y)
    lat = math.atan2(z, p * (1.0 - E2))
    for _ in range(20):
        s = math.sin(lat)
        n = A_E / math.sqrt(1.0 - E2 * s * s)
        h = p * math.cos(lat) + z * s - A_E * A_E / n
        nxt = math.atan2(z, p * (1.0 - E2 * n / (n + h)))
        if abs(nxt - lat) < 1e-14:
            lat = nxt
            break
        lat = nxt
    s = math.sin(lat)
    n = A_E / math.sqrt(1.0 - E2 * s * s)
    h = p * math.cos(lat) + z * s - A_E * A_E / n
    return lat, h


def height(x, y, z):
    return lat_height(x, y, z)[1]


def enu(lat, lon):
    sl, cl, so, co = math.sin(lat), math.cos(lat), math.sin(lon), math.cos(lon)
    return (-so, co, 0.0), (-sl * co, -sl * so, cl), (cl * co, cl * so, sl)


# --------------------------------------------------------------------------------------------
# U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562).
# --------------------------------------------------------------------------------------------
R0_ATM = 6356766.0      # m, for geopotential altitude H = r0 Z / (r0 + Z)
RSTAR = 8.31432         # J/(mol K)
M0 = 0.0289644          # kg/mol
GAMMA = 1.4
# Base geopotential altitude (m') and molecular-scale temperature gradient (K/m') of the seven
# layers (the standard's Table 4).
LAYERS = [(0.0, -0.0065), (11000.0, 0.0), (20000.0, 0.001), (32000.0, 0.0028),
          (47000.0, 0.0), (51000.0, -0.0028), (71000.0, -0.002)]


def _layer_bases():
    t, p = 288.15, 101325.0
    out = []
    for i, (hb, lb) in enumerate(LAYERS):
        out.append((hb, lb, t, p))
        if i + 1 < len(LAYERS):
            dh = LAYERS[i + 1][0] - hb
            if lb != 0.0:
                t1 = t + lb * dh
                p = p * (t / t1) ** (G0 * M0 / (RSTAR * lb))
                t = t1
            else:
                p = p * math.exp(-G0 * M0 * dh / (RSTAR * t))
    return out


BASES = _layer_bases()

# Table I of the standard above 86 km: geometric altitude (km), pressure (Pa), density (kg/m^3).
UPPER = [
    (86, 3.7338e-1, 6.958e-6), (90, 1.8359e-1, 3.416e-6), (95, 7.5966e-2, 1.393e-6),
    (100, 3.2011e-2, 5.604e-7), (105, 1.4481e-2, 2.325e-7), (110, 7.1042e-3, 9.708e-8),
    (115, 4.0096e-3, 4.289e-8), (120, 2.5382e-3, 2.222e-8), (130, 1.2505e-3, 8.152e-9),
    (140, 7.2028e-4, 3.831e-9), (150, 4.5422e-4, 2.076e-9), (160, 3.0395e-4, 1.233e-9),
    (180, 1.5271e-4, 5.194e-10), (200, 8.4736e-5, 2.541e-10), (250, 2.4767e-5, 6.073e-11),
    (300, 8.7704e-6, 1.916e-11), (400, 1.4518e-6, 2.803e-12), (500, 3.0236e-7, 5.215e-13),
    (600, 8.2130e-8, 1.137e-13), (700, 3.1908e-8, 3.070e-14), (800, 1.7036e-8, 1.136e-14),
    (900, 1.0873e-8, 5.759e-15), (1000, 7.5138e-9, 3.561e-15)]
UP_Z = [km * 1000.0 for km, _, _ in UPPER]
UP_LNP = [math.log(p) for _, p, _ in UPPER]
UP_LNRHO = [math.log(r) for _, _, r in UPPER]
SOUND_TOP = math.sqrt(GAMMA * UPPER[-1][1] / UPPER[-1][2])


def atmosphere(z):
    """(density kg/m^3, speed of sound m/s) at geometric altitude z (m)."""
    if z < 86000.0:
        h = R0_ATM * z / (R0_ATM + z)
        k = 0
        while k < 6 and h >= LAYERS[k + 1][0]:
            k += 1
        hb, lb, tb, pb = BASES[k]
        if lb != 0.0:
            tm = tb + lb * (h - hb)
            p = pb * (tb / tm) ** (G0 * M0 / (RSTAR * lb))
        else:
            tm = tb
            p = pb * math.exp(-G0 * M0 * (h - hb) / (RSTAR * tb))
        return p * M0 / (RSTAR * tm), math.sqrt(GAMMA * RSTAR * tm / M0)
    if z > 1.0e6:
        return 0.0, SOUND_TOP
    i = 0
    while UP_Z[i + 1] < z:
        i += 1
    u = (z - UP_Z[i]) / (UP_Z[i + 1] - UP_Z[i])
    rho = math.exp(UP_LNRHO[i] + u * (UP_LNRHO[i + 1] - UP_LNRHO[i]))
    p = math.exp(UP_LNP[i] + u * (UP_LNP[i + 1] - UP_LNP[i]))
    return rho, math.sqrt(GAMMA * p / rho)


# --------------------------------------------------------------------------------------------
# Vehicle from the catalog YAML.
# --------------------------------------------------------------------------------------------
def _num(node, default=None):
    if node is None:
        if default is None:
            raise KeyError("missing value")
        return default
    if isinstance(node, dict):
        return float(node["value"])
    return float(node)


def load_missile(data_dir, mid):
    with open(os.path.join(data_dir, "drag.yaml")) as f:
        tables = yaml.safe_load(f)["tables"]
    for path in sorted(glob.glob(os.path.join(data_dir, "missiles", "*.yaml"))):
        with open(path) as f:
            doc = yaml.safe_load(f)
        if doc.get("id") != mid:
            continue
        gd = doc.get("guidance") or {}
        stages = []
        for s in doc["stages"]:
            dr = s["drag"]
            tab = dr if isinstance(dr, dict) else tables[dr]
            d = _num(s["diameter_m"])
            stages.append(dict(
                gross=_num(s["gross_mass_kg"]), prop=_num(s["propellant_mass_kg"]),
                burn=_num(s["burn_time_s"]), isp=_num(s["isp_vac_s"]),
                ae=_num(s.get("nozzle_exit_area_m2"), 0.0), area=0.25 * math.pi * d * d,
                mach=[float(x) for x in tab["mach"]], cd=[float(x) for x in tab["cd"]]))
        pay = doc["payload"]
        return dict(file=path, stages=stages, payload=_num(pay["mass_kg"]),
                    beta=_num(pay.get("ballistic_coefficient_kg_m2"), 0.0),
                    rise=_num(gd.get("vertical_rise_s"), 10.0),
                    pitch=_num(gd.get("pitchover_s"), 10.0))
    raise SystemExit(f"reference.py: no missile with id {mid} in {data_dir}/missiles")


def cd_at(mach, cd, m):
    if m <= mach[0]:
        return cd[0]
    for i in range(1, len(mach)):
        if m < mach[i]:
            u = (m - mach[i - 1]) / (mach[i] - mach[i - 1])
            return cd[i - 1] + u * (cd[i] - cd[i - 1])
    return cd[-1]


# --------------------------------------------------------------------------------------------
# Equations of motion.
# --------------------------------------------------------------------------------------------
VERTICAL, KICK, TURN, COAST = range(4)


class Phase:
    """What the right-hand side needs in one phase."""

    def __init__(self, mode):
        self.mode = mode
        self.inv_beta = 0.0
        self.t0 = 0.0
        self.m0 = 1.0
        self.mdot = 0.0
        self.fvac = 0.0
        self.ae = 0.0
        self.area = 0.0
        self.mach = [0.0]
        self.cd = [0.0]
        self.up = (0.0, 0.0, 1.0)
        self.dirn = (1.0, 0.0, 0.0)
        self.tk0 = 0.0
        self.tks = 0.0
        self.kick = 0.0

    def rhs(self, t, y):
        x, yy, z, vx, vy, vz = y.tolist()
        r2 = x * x + yy * yy + z * z
        r = math.sqrt(r2)
        # Gravity: -grad of U = -mu/r + mu J2 a^2 (3 z^2 - r^2) / (2 r^5).
        q = 1.5 * J2 * A_E * A_E / r2
        s2 = z * z / r2
        g = -MU / (r2 * r)
        gxy = g * (1.0 + q * (1.0 - 5.0 * s2))
        gz = g * (1.0 + q * (3.0 - 5.0 * s2))
        ax, ay, az = gxy * x, gxy * yy, gz * z
        # Air-relative velocity.
        wx, wy, wz = vx + OMEGA * yy, vy - OMEGA * x, vz
        w = math.sqrt(wx * wx + wy * wy + wz * wz)
        rho, sound = atmosphere(height(x, yy, z))
        if self.mode == COAST:
            if rho > 0.0 and self.inv_beta > 0.0:
                k = 0.5 * rho * w * self.inv_beta
                ax -= k * wx
                ay -= k * wy
                az -= k * wz
        else:
            m = self.m0 - self.mdot * (t - self.t0)
            thrust = max(self.fvac - self.ae * rho * sound * sound / GAMMA, 0.0)
            if self.mode == TURN and w > 1.0:
                ux, uy, uz = wx / w, wy / w, wz / w
            else:
                if self.mode == KICK:
                    u = (t - self.tk0) / self.tks if self.tks > 0.0 else 1.0
                    k = self.kick * min(max(u, 0.0), 1.0)
                elif self.mode == TURN:
                    k = self.kick
                else:
                    k = 0.0
                ck, sk = math.cos(k), math.sin(k)
                ex = ck * self.up[0] + sk * self.dirn[0]
                ey = ck * self.up[1] + sk * self.dirn[1]
                ez = ck * self.up[2] + sk * self.dirn[2]
                th = OMEGA * t  # ECEF -> ECI: rotate by -omega t about z
                c, s = math.cos(th), math.sin(th)
                ux, uy, uz = c * ex - s * ey, s * ex + c * ey, ez
            a = thrust / m
            ax += a * ux
            ay += a * uy
            az += a * uz
            if rho > 0.0:
                kd = 0.5 * rho * w * cd_at(self.mach, self.cd, w / sound) * self.area / m
                ax -= kd * wx
                ay -= kd * wy
                az -= kd * wz
        return [vx, vy, vz, ax, ay, az]


def _impact(t, y):
    return height(y[0], y[1], y[2])


_impact.terminal = True
_impact.direction = -1.0


class Flight:
    def __init__(self, method, rtol, atol, max_time=4.0 * 3600.0):
        self.method = method
        self.rtol = rtol
        self.atol = atol
        self.max_time = max_time
        self.nfev = 0

    def phase(self, ph, t0, t1, y0):
        """Integrate one phase. Returns (t, y, impacted)."""
        sol = solve_ivp(ph.rhs, (t0, t1), y0, method=self.method, rtol=self.rtol, atol=self.atol,
                        events=_impact)
        if sol.status < 0:
            raise RuntimeError(f"solve_ivp: {sol.message}")
        self.nfev += sol.nfev
        if sol.status == 1 and len(sol.t_events[0]):
            return sol.t_events[0][0], sol.y_events[0][0], True
        return sol.t[-1], sol.y[:, -1], False

    def impact_point(self, t, y):
        th = OMEGA * t  # ECI -> ECEF: rotate by +omega t about z
        c, s = math.cos(th), math.sin(th)
        xe, ye = c * y[0] + s * y[1], -s * y[0] + c * y[1]
        lat, _ = lat_height(xe, ye, y[2])
        return lat / DEG, math.atan2(ye, xe) / DEG, t

    def coast(self, t, y, inv_beta):
        ph = Phase(COAST)
        ph.inv_beta = inv_beta
        t, y, hit = self.phase(ph, t, self.max_time, y)
        if not hit:
            raise RuntimeError("no impact within the time limit")
        return self.impact_point(t, y)

    def fly_free(self, lat_deg, lon_deg, alt_m, speed, gamma_deg, az_deg, beta):
        lat, lon = lat_deg * DEG, lon_deg * DEG
        e, n, u = enu(lat, lon)
        ch = speed * math.cos(gamma_deg * DEG)
        sa, ca = math.sin(az_deg * DEG), math.cos(az_deg * DEG)
        sg = speed * math.sin(gamma_deg * DEG)
        vrel = [ch * (ca * n[i] + sa * e[i]) + sg * u[i] for i in range(3)]
        r = geodetic_to_ecef(lat, lon, alt_m)
        y = np.array(r + [vrel[0] - OMEGA * r[1], vrel[1] + OMEGA * r[0], vrel[2]])
        return self.coast(0.0, y, 1.0 / beta if beta > 0.0 else 0.0)

    def fly(self, veh, lat_deg, lon_deg, az_deg, kick_deg, cutoff_s):
        lat, lon = lat_deg * DEG, lon_deg * DEG
        e, n, up = enu(lat, lon)
        az = az_deg * DEG
        dirn = tuple(math.cos(az) * n[i] + math.sin(az) * e[i] for i in range(3))
        r = geodetic_to_ecef(lat, lon, 0.0)
        y = np.array(r + [-OMEGA * r[1], OMEGA * r[0], 0.0])
        t = 0.0
        t_v = veh["rise"]
        t_k = veh["rise"] + veh["pitch"]
        mass = veh["payload"] + sum(s["gross"] for s in veh["stages"])
        t_stage0 = 0.0
        for s in veh["stages"]:
            t_stage1 = t_stage0 + s["burn"]
            cut = t_stage1 >= cutoff_s
            if cut:
                t_stage1 = cutoff_s
            mdot = s["prop"] / s["burn"]
            for te in (t_v, t_k, t_stage1):
                if te <= t:
                    continue
                te = min(te, t_stage1)
                ph = Phase(VERTICAL if t < t_v else (KICK if t < t_k else TURN))
                ph.t0, ph.m0, ph.mdot = t_stage0, mass, mdot
                ph.fvac = s["isp"] * G0 * mdot
                ph.ae, ph.area, ph.mach, ph.cd = s["ae"], s["area"], s["mach"], s["cd"]
                ph.up, ph.dirn = up, dirn
                ph.tk0, ph.tks, ph.kick = t_v, veh["pitch"], kick_deg * DEG
                t, y, hit = self.phase(ph, t, te, y)
                if hit:
                    return self.impact_point(t, y)
                if te >= t_stage1:
                    break
            mass -= s["gross"]
            t_stage0 = t_stage1
            if cut:
                break
        return self.coast(t, y, 1.0 / veh["beta"] if veh["beta"] > 0.0 else 0.0)


# --------------------------------------------------------------------------------------------
# Benchmark driver.
# --------------------------------------------------------------------------------------------
def distance_m(lat1, lon1, lat2, lon2):
    """Distance (m) between two nearby points on the WGS-84 ellipsoid (local metric: meridian and
    prime-vertical radii at the mean latitude; exact to ~1e-6 relative below 10 km)."""
    phi = 0.5 * (lat1 + lat2) * DEG
    s2 = math.sin(phi) ** 2
    w = math.sqrt(1.0 - E2 * s2)
    m_rad = A_E * (1.0 - E2) / w ** 3
    n_rad = A_E / w
    dlon = (lon2 - lon1 + 180.0) % 360.0 - 180.0
    return math.hypot(m_rad * (lat2 - lat1) * DEG, n_rad * math.cos(phi) * dlon * DEG)


def timed(fn, batches, min_seconds):
    """Flights per second of `batches` batches, each of at least min_seconds (and 1 flight)."""
    rates = []
    flights = 0
    total = 0.0
    for _ in range(batches):
        n = 0
        t0 = time.perf_counter()
        while True:
            fn()
            n += 1
            el = time.perf_counter() - t0
            if el >= min_seconds:
                break
        rates.append(n / el)
        flights += n
        total += el
    return rates, flights, total


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--case", default="all", choices=["all", "icbm-free", "ss-27"])
    ap.add_argument("--method", default="DOP853", choices=["DOP853", "RK45"])
    ap.add_argument("--rtol", type=float, default=1e-7)
    ap.add_argument("--atol", type=float, default=1e-6)
    ap.add_argument("--check-rtol", type=float, default=1e-12,
                    help="tolerance of the convergence check flight (atol 1e-8)")
    ap.add_argument("--repeats", type=int, default=5,
                    help="timed batches: the best and the median are reported (5)")
    ap.add_argument("--min-seconds", type=float, default=0.5,
                    help="least time of one timed batch (0.5)")
    ap.add_argument("--no-check", action="store_true",
                    help="skip the convergence check (a flight at --check-rtol)")
    ap.add_argument("--data-dir", default=os.environ.get("BMDSIM_DATA",
                                                         os.path.join(here, "..", "data")))
    ap.add_argument("--launch-lat-deg", type=float, default=51.667)
    ap.add_argument("--launch-lon-deg", type=float, default=45.567)
    ap.add_argument("--free-alt-km", type=float, default=200.0)
    ap.add_argument("--free-speed-m-s", type=float, default=7130.0)
    ap.add_argument("--free-gamma-deg", type=float, default=23.0)
    ap.add_argument("--free-azimuth-deg", type=float, default=320.0)
    ap.add_argument("--free-beta-kg-m2", type=float, default=10000.0)
    ap.add_argument("--missile", default="ss-27")
    ap.add_argument("--azimuth-deg", type=float, default=320.0)
    ap.add_argument("--kick-deg", type=float, default=67.0)
    ap.add_argument("--cutoff-s", type=float, default=math.inf)
    a = ap.parse_args()

    cases = []
    if a.case in ("all", "icbm-free"):
        cases.append(("icbm-free", lambda fl: fl.fly_free(
            a.launch_lat_deg, a.launch_lon_deg, a.free_alt_km * 1e3, a.free_speed_m_s,
            a.free_gamma_deg, a.free_azimuth_deg, a.free_beta_kg_m2)))
    if a.case in ("all", "ss-27"):
        veh = load_missile(os.path.abspath(a.data_dir), a.missile)
        cases.append((a.missile, lambda fl: fl.fly(
            veh, a.launch_lat_deg, a.launch_lon_deg, a.azimuth_deg, a.kick_deg, a.cutoff_s)))

    out = dict(program="reference.py", python=platform.python_version(),
               scipy=scipy.__version__, numpy=np.__version__, method=a.method,
               rtol=a.rtol, atol=a.atol, cases=[])
    for name, fly in cases:
        fl = Flight(a.method, a.rtol, a.atol)
        lat, lon, tof = fly(fl)
        nfev = fl.nfev
        c = dict(name=name, impact_lat_deg=lat, impact_lon_deg=lon, flight_time_s=tof,
                 n_fevals=nfev)
        if not a.no_check:
            tight = Flight(a.method, a.check_rtol, min(a.atol, 1e-8))
            tlat, tlon, _ = fly(tight)
            c.update(check_rtol=a.check_rtol, check_impact_lat_deg=tlat,
                     check_impact_lon_deg=tlon,
                     impact_difference_vs_tight_m=distance_m(lat, lon, tlat, tlon))
        rates, flights, total = timed(lambda: fly(Flight(a.method, a.rtol, a.atol)),
                                      max(a.repeats, 1), a.min_seconds)
        best = max(rates)
        median = sorted(rates)[len(rates) // 2] if len(rates) % 2 else \
            0.5 * (sorted(rates)[len(rates) // 2 - 1] + sorted(rates)[len(rates) // 2])
        c.update(flights=flights, seconds=total, per_s_batches=rates, per_s_median=median,
                 ms_per_flight_median=1e3 / median, per_s=best, ms_per_flight=1e3 / best)
        out["cases"].append(c)
        print(f"reference.py: {name}: {flights} flights in {total:.1f} s, best batch "
              f"{1e3 / best:.2f} ms per flight", file=sys.stderr)
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
