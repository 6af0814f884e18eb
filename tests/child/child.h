/* child.h - the tests' trial program, rl-child: one executable, its
 * behaviours registered as modes (Go's testprog).  usage:
 *   rl-child MODE [ARGS...]     behave as MODE says
 *   rl-child --list             print every mode with its usage
 * A mode file defines a table of child_mode_t and registers it with
 * CHILD_MODES(tag, table); an executable is main.c, a platform_*.c and the
 * mode files it is built with: rl-child has modes.c (every platform) and
 * modes_posix.c or modes_win32.c; crash_child (Windows) has only
 * tests/windows/crash_child.c, the modes that need the model runtime linked
 * in (its crash handling would change how rl-child's own modes end).  An
 * unknown mode, or too few arguments, is an error: a message and exit 64. */
#ifndef RL_CHILD_H
#define RL_CHILD_H

typedef struct {
    const char *name;
    const char *usage; /* arguments and what the mode does, for --list */
    int min_args;      /* arguments after the mode name */
    /* argv[0] is the program, argv[1] the mode, argv[2..] its arguments;
     * returns the exit status (or does not return). */
    int (*run)(int argc, char **argv);
} child_mode_t;

typedef struct child_table {
    const child_mode_t *modes;
    int n;
    struct child_table *next;
} child_table_t;

void child_register(child_table_t *t);

#define CHILD_MODES(tag, table) \
    __attribute__((constructor)) static void child_register_##tag(void) \
    { \
        static child_table_t t_ = {table, (int)(sizeof table / sizeof table[0]), 0}; \
        child_register(&t_); \
    } \
    struct child_unused_##tag

/* The value after option `name` among the mode's arguments, or NULL. */
const char *child_opt(int argc, char **argv, const char *name);
/* 1 when `name` is among the mode's arguments. */
int child_flag(int argc, char **argv, const char *name);

/* The platform part (platform_posix.c, platform_win32.c). */
void child_platform_init(void); /* e.g. binary stdout on Windows */
void child_sleep_ms(long ms);

#endif
