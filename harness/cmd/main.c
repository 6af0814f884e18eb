/* cmd/main.c - the racelab command: subcommand dispatch, --help, --version. */
#include <stdio.h>
#include <string.h>
#include "cmd/cli.h"
#include "build_info.h"

#ifndef RL_VERSION
#define RL_VERSION "unknown"
#endif

static const char rl__help[] =
    "usage: racelab COMMAND [options]\n"
    "\n"
    "  run [options] -- CMD [ARGS...]   run a command as many fresh trials\n"
    "  check [options] SPEC...          check reproducer specs (variants A/B, verdict)\n"
    "  replay DIR TRIAL                 rerun one recorded trial, same argv and seed\n"
    "  merge DIR... [report options]    combine results directories and judge again\n"
    "  sweep SPEC --knob NAME=V1,V2,... check a spec at each value of one knob\n"
    "  plan --buggy-rate P --bound B    trials needed for a verdict\n"
    "  bisect --candidates FILE         the first candidate that crashes (Bayesian search)\n"
    "  calibrate SPEC                   measure a spec's rates, propose thresholds and caps\n"
    "\n"
    "  racelab COMMAND --help           options of one command\n"
    "  racelab --version                version, source revision, compiler, build type, platform\n"
    "\n"
    "exit status: 0 every expectation holds, 1 some fails (or a run trial failed),\n"
    "64 bad arguments or spec, 70 internal error, 128+N interrupted by signal N\n";

int main(int argc, char **argv)
{
    /* Line-buffered so progress and reports interleave sanely in a pipe. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2)
        return fputs(rl__help, stderr), RL_EXIT_USAGE;
    const char *c = argv[1];
    if (strcmp(c, "--help") == 0 || strcmp(c, "-h") == 0 || strcmp(c, "help") == 0)
        return fputs(rl__help, stdout), RL_EXIT_OK;
    if (strcmp(c, "--version") == 0 || strcmp(c, "-V") == 0)
        return printf("racelab %s\n"
                      "  source:   %s (git describe at build time)\n"
                      "  compiler: %s\n"
                      "  build:    %s\n"
                      "  platform: %s\n", RL_VERSION, RL_BUILD_GIT, RL_BUILD_COMPILER, RL_BUILD_TYPE,
                      RL_BUILD_PLATFORM), RL_EXIT_OK;
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {
        { "run", rl_cmd_run }, { "check", rl_cmd_check }, { "replay", rl_cmd_replay },
        { "merge", rl_cmd_merge }, { "plan", rl_cmd_plan }, { "sweep", rl_cmd_sweep },
        { "bisect", rl_cmd_bisect }, { "calibrate", rl_cmd_calibrate },
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(c, cmds[i].name) == 0) {
            rl_expand_short_options(argc - 1, argv + 1);
            return cmds[i].fn(argc - 1, argv + 1);
        }
    const char *names[sizeof cmds / sizeof cmds[0]];
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        names[i] = cmds[i].name;
    const char *near = rl_nearest_word(c, names, (int)(sizeof cmds / sizeof cmds[0]));
    if (near)
        return rl_usage("unknown command '%s'; did you mean '%s'? (see racelab --help)", c, near);
    return rl_usage("unknown command '%s' (see racelab --help)", c);
}
