/* test_quote.c - rl_win_quote_argv round-trips through CommandLineToArgvW,
 * the MSVC runtime's splitting rules, for the awkward cases. */
#include "tap.h"
#include "run/win32/winquote.h"

#include <windows.h>
#include <shellapi.h>

#include <stdlib.h>
#include <string.h>

static int round_trip(char *const *argv, const char *what)
{
    char *line = rl_win_quote_argv(argv);
    if (line == NULL) {
        tap_ok(0, what);
        return 0;
    }
    int wn = MultiByteToWideChar(CP_UTF8, 0, line, -1, NULL, 0);
    wchar_t *w = malloc((size_t)wn * sizeof *w);
    MultiByteToWideChar(CP_UTF8, 0, line, -1, w, wn);
    int argc = 0;
    wchar_t **back = CommandLineToArgvW(w, &argc);
    int n = 0;
    while (argv[n])
        n++;
    int same = back != NULL && argc == n;
    for (int i = 0; same && i < n; i++) {
        char buf[512];
        WideCharToMultiByte(CP_UTF8, 0, back[i], -1, buf, sizeof buf, NULL, NULL);
        if (strcmp(buf, argv[i]) != 0) {
            tap_diag("arg %d: want [%s] got [%s]", i, argv[i], buf);
            same = 0;
        }
    }
    if (back && argc != n)
        tap_diag("want %d arguments, got %d from [%s]", n, argc, line);
    tap_ok(same, what);
    LocalFree(back);
    free(w);
    free(line);
    return same;
}

int main(void)
{
    char *plain[] = { "prog.exe", "a", "bc", NULL };
    round_trip(plain, "plain words");

    char *spaces[] = { "C:\\Program Files\\x\\prog.exe", "a b", " lead", "trail ", "\t", NULL };
    round_trip(spaces, "spaces and tabs, program name with a space");

    char *empty[] = { "prog.exe", "", "x", "", NULL };
    round_trip(empty, "empty arguments keep their place");

    char *quotes[] = { "prog.exe", "\"", "a\"b", "\"quoted\"", "say \"hi\"", NULL };
    round_trip(quotes, "embedded quotes");

    char *bs[] = { "prog.exe", "a\\", "a b\\", "a\\\\", "C:\\dir\\", "\\\\server\\share\\",
                   "\\", "\\\\", NULL };
    round_trip(bs, "trailing backslashes, bare and quoted");

    char *bsq[] = { "prog.exe", "a\\\"b", "a\\\\\"b", "\\\"", "x\\\\\\\"y z", NULL };
    round_trip(bsq, "backslashes before quotes");

    char *mixed[] = { "prog.exe", "--seed={seed}", "--k=v w", "\n", "a\vb", "ünïcödé arg", NULL };
    round_trip(mixed, "newline, vertical tab, non-ASCII");

    char small[8];
    size_t need = rl_win_quote_arg("a b c d e", small, sizeof small);
    tap_ok(need == 11 && strlen(small) == sizeof small - 1,
           "a short buffer gets a cut, terminated string and the full length");

    char *bad[] = { "pro\"g.exe", "a", NULL };
    tap_ok(rl_win_quote_argv(bad) == NULL, "a quote in the program name is refused");
    char *none[] = { NULL };
    tap_ok(rl_win_quote_argv(none) == NULL, "an empty argv is refused");
    return tap_done();
}
