/// @file bmd.h
/// The bmdsim library: include this for everything.
#ifndef BMD_BMD_H
#define BMD_BMD_H

#include "bmd/assign.h"
#include "bmd/atmosphere.h"
#include "bmd/catalog.h"
#include "bmd/constants.h"
#include "bmd/earth.h"
#include "bmd/engage.h"
#include "bmd/flight.h"
#include "bmd/intercept.h"
#include "bmd/interceptor.h"
#include "bmd/ode.h"
#include "bmd/rng.h"
#include "bmd/scenario.h"
#include "bmd/sensor.h"
#include "bmd/status.h"
#include "bmd/surveillance.h"
#include "bmd/targeting.h"
#include "bmd/track.h"
#include "bmd/vec.h"
#include "bmd/vehicle.h"

#endif
