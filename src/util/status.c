/* SPDX-License-Identifier: MIT */
/* status.c: names of the library's status codes. */
#include "bmd/status.h"

const char *bmd_status_str(bmd_status s)
{
    switch (s) {
    case BMD_OK: return "ok";
    case BMD_ERR_ARG: return "invalid argument";
    case BMD_ERR_RANGE: return "value outside the model's range";
    case BMD_ERR_NOMEM: return "out of memory";
    case BMD_ERR_IO: return "input/output error";
    case BMD_ERR_PARSE: return "malformed input";
    case BMD_ERR_NOT_FOUND: return "not found";
    case BMD_ERR_NO_CONVERGE: return "solver did not converge";
    case BMD_ERR_STEP: return "integrator step failure";
    case BMD_ERR_UNREACHABLE: return "target unreachable";
    case BMD_ERR_NONFINITE: return "non-finite value";
    case BMD_ERR_PEER: return "another process of the run failed";
    case BMD_STATUS_COUNT: break;
    }
    return "unknown status";
}
