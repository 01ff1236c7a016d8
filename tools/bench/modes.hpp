#pragma once
// The three workloads. Each runs to completion by itself, bounded in count and
// time, prints its report and returns the process exit status (0: ran, 1: the
// run could not be set up or completed).

#include "options.hpp"

namespace sala::bench {

int run_fanout(const options& o);
int run_idle(const options& o);
int run_churn(const options& o);

}  // namespace sala::bench
