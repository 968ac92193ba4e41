/// @file status.h
/// Status codes of the bmdsim library. Codes are never renumbered; new ones go before
/// BMD_STATUS_COUNT. "No feasible solution" is a result field, never a status.
#ifndef BMD_STATUS_H
#define BMD_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bmd_status {
    BMD_OK = 0,
    BMD_ERR_ARG = -1,        ///< an argument is outside its domain (NaN, out of range)
    BMD_ERR_RANGE = -2,      ///< a value is outside the model's validity range
    BMD_ERR_NOMEM = -3,      ///< allocation failed
    BMD_ERR_IO = -4,         ///< a file could not be read or written
    BMD_ERR_PARSE = -5,      ///< a file is malformed
    BMD_ERR_NOT_FOUND = -6,  ///< an id is unknown
    BMD_ERR_NO_CONVERGE = -7,///< an iterative solver did not converge
    BMD_ERR_STEP = -8,       ///< the integrator's step fell below its minimum or hit the step limit
    BMD_ERR_UNREACHABLE = -9,///< the target cannot be reached by the vehicle
    BMD_ERR_NONFINITE = -10, ///< a computation produced NaN or infinity
    BMD_ERR_PEER = -11,      ///< another process of a distributed run failed (bmd_dist)
    BMD_STATUS_COUNT = 12    ///< number of codes; never a status
} bmd_status;

/// A static, human-readable name of the status.
const char *bmd_status_str(bmd_status s);

#ifdef __cplusplus
}
#endif
#endif
