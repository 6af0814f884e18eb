/* test_quote.c - rl_win_quote_argv round-trips through CommandLineToArgvW,
 * the MSVC runtime's splitting rules, for the awkward cases. */
#include "rltest.h"
#include "run/win32/winquote.h"

#include <windows.h>
#include <shellapi.h>

#include <stdlib.h>
#include <string.h>

/* Quotes argv into one command line and splits it back. */
static void round_trip(char *const *argv)
{
    char *line = rl_win_quote_argv(argv);
    cr_assert_not_null(line, "rl_win_quote_argv refused the arguments");
    int wn = MultiByteToWideChar(CP_UTF8, 0, line, -1, NULL, 0);
    wchar_t *w = malloc((size_t)wn * sizeof *w);
    MultiByteToWideChar(CP_UTF8, 0, line, -1, w, wn);
    int argc = 0;
    wchar_t **back = CommandLineToArgvW(w, &argc);
    int n = 0;
    while (argv[n])
        n++;
    cr_assert_not_null(back, "CommandLineToArgvW failed on [%s]", line);
    cr_assert_eq(argc, n, "want %d arguments, got %d from [%s]", n, argc, line);
    for (int i = 0; i < n; i++) {
        char buf[512];
        WideCharToMultiByte(CP_UTF8, 0, back[i], -1, buf, sizeof buf, NULL, NULL);
        cr_expect_str_eq(buf, argv[i], "arg %d of [%s]", i, line);
    }
    LocalFree(back);
    free(w);
    free(line);
}

Test(quote, plain_words)
{
    char *plain[] = { "prog.exe", "a", "bc", NULL };
    round_trip(plain);
}

Test(quote, spaces_and_tabs_program_name_with_a_space)
{
    char *spaces[] = { "C:\\Program Files\\x\\prog.exe", "a b", " lead", "trail ", "\t", NULL };
    round_trip(spaces);
}

Test(quote, empty_arguments_keep_their_place)
{
    char *empty[] = { "prog.exe", "", "x", "", NULL };
    round_trip(empty);
}

Test(quote, embedded_quotes)
{
    char *quotes[] = { "prog.exe", "\"", "a\"b", "\"quoted\"", "say \"hi\"", NULL };
    round_trip(quotes);
}

Test(quote, trailing_backslashes_bare_and_quoted)
{
    char *bs[] = { "prog.exe", "a\\", "a b\\", "a\\\\", "C:\\dir\\", "\\\\server\\share\\",
                   "\\", "\\\\", NULL };
    round_trip(bs);
}

Test(quote, backslashes_before_quotes)
{
    char *bsq[] = { "prog.exe", "a\\\"b", "a\\\\\"b", "\\\"", "x\\\\\\\"y z", NULL };
    round_trip(bsq);
}

Test(quote, newline_vertical_tab_non_ascii)
{
    char *mixed[] = { "prog.exe", "--seed={seed}", "--k=v w", "\n", "a\vb", "ünïcödé arg", NULL };
    round_trip(mixed);
}

/* A short buffer gets a cut, terminated string and the full length. */
Test(quote, short_buffer)
{
    char small[8];
    size_t need = rl_win_quote_arg("a b c d e", small, sizeof small);
    cr_assert_eq(need, 11);
    cr_assert_eq(strlen(small), sizeof small - 1);
}

Test(quote, refusals)
{
    char *bad[] = { "pro\"g.exe", "a", NULL };
    cr_expect_null(rl_win_quote_argv(bad), "a quote in the program name is refused");
    char *none[] = { NULL };
    cr_expect_null(rl_win_quote_argv(none), "an empty argv is refused");
}
