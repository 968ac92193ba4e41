/* SPDX-License-Identifier: MIT */
/* specs.c: the commands' option tables (specs.h). */
#include "specs.h"
#include "scene.h"

const opt_spec spec_atmosphere[] = {{"altitude-km", true}, {"format", true}, {"help", false}, {0}};

const opt_spec spec_catalog[] = {
    {"format", true}, {"id", true}, {"sensors", false}, {"help", false}, {0}};

const opt_spec spec_detect[] = {SCENE_OPTS, {"csv", true}, {0}};

const opt_spec spec_engage[] = {
    {"seed", true}, {"runs", true},    {"threads", true},  {"format", true}, {"help", false},
    {"db", true},   {"resume", false}, {"ci-width", true}, {"chunk", true},  {0}};

const opt_spec spec_footprint[] = {{"threat", true},
                                   {"launch", true},
                                   {"site", true},
                                   {"interceptor", true},
                                   {"site-altitude-m", true},
                                   {"cue", true},
                                   {"grid-deg", true},
                                   {"region", true},
                                   {"refine", true},
                                   {"threads", true},
                                   {"seed", true},
                                   {"format", true},
                                   {"out", true},
                                   {"help", false},
                                   {0}};

const opt_spec spec_report[] = {{"help", false}, {0}};

const opt_spec spec_run[] = {{"out", true},
                             {"format", true},
                             {"threads", true},
                             {"grid-deg", true},
                             {"no-guarantee-map", false},
                             {"help", false},
                             {0}};

const opt_spec spec_serve[] = {{"port", true},
                               {"bind", true},
                               {"port-file", true},
                               {"timeout-s", true},
                               {"verbose", false},
                               {"help", false},
                               {0}};

const opt_spec spec_store[] = {{"format", true}, {"out", true}, {"help", false}, {0}};

const opt_spec spec_sweep[] = {{"burnout-speed-km-s", true},
                               {"cue", true},
                               {"delay-s", true},
                               {"site", true},
                               {"site-lat-deg", true},
                               {"site-lon-deg", true},
                               {"threats", true},
                               {"format", true},
                               {"db", true},
                               {"resume", false},
                               {"chunk", true},
                               {"threads", true},
                               {"help", false},
                               {0}};

const opt_spec spec_track[] = {SCENE_OPTS, {"csv", true}, {0}};

const opt_spec spec_trajectory[] = {{"missile", true},
                                    {"launch", true},
                                    {"target", true},
                                    {"shape", true},
                                    {"apogee-km", true},
                                    {"azimuth", true},
                                    {"max-range", false},
                                    {"kick-deg", true},
                                    {"cutoff-s", true},
                                    {"burnout", true},
                                    {"burnout-altitude-km", true},
                                    {"ballistic-coefficient-kg-m2", true},
                                    {"earth", true},
                                    {"no-rotation", false},
                                    {"no-atmosphere", false},
                                    {"no-j2", false},
                                    {"tolerance-m", true},
                                    {"format", true},
                                    {"samples", true},
                                    {"sample-interval-s", true},
                                    {"help", false},
                                    {0}};

const opt_spec spec_feasibility[] = {{"threat", true},      {"launch", true},
                                     {"target", true},      {"site", true},
                                     {"interceptor", true}, {"site-altitude-m", true},
                                     {"cue", true},         {"burnout-speed-km-s", true},
                                     {"seed", true},        {"format", true},
                                     {"help", false},       {0}};
