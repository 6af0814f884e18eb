/* report/markdown.c - a table for a CI job summary (GitHub renders it). */
#include "util/fmt.h"
#include "report/writer.h"

#include <stdlib.h>

/* Table cells: | would end the cell, a newline the row, and < > & would be
 * read as HTML by the renderer. */
static void cell(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        size_t n = rl_utf8_len((const unsigned char *)s);
        if (n == 0) {
            /* Not UTF-8 (a crash line's raw bytes): the file stays UTF-8. */
            fprintf(out, "\\\\x%02X", (unsigned char)*s);
            continue;
        }
        if (n == 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] < 0xA0) {
            /* A C1 control (U+0080-U+009F; U+009B is a terminal's CSI):
             * shown, not passed on. */
            fprintf(out, "\\\\u%04X", (unsigned char)s[1]);
            s++;
            continue;
        }
        if (n > 1) {
            fwrite(s, 1, n, out);
            s += n - 1;
            continue;
        }
        switch (*s) {
        case '|': fputs("\\|", out); break;
        case '\n': case '\r': fputc(' ', out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '`': fputs("\\`", out); break;
        case '*': case '_': case '[': case ']': case '\\': fputc('\\', out); fputc(*s, out); break;
        default:
            if ((unsigned char)*s < 0x20 || *s == 0x7F)
                fprintf(out, "\\\\x%02X", (unsigned char)*s); /* renders as \xNN */
            else
                fputc(*s, out);
        }
    }
}

static void summary(FILE *out, const rl_summary_t *s)
{
    const rl_spec_t *sp = s->spec;
    char conf[16];
    rl_report_conf(conf, sizeof conf, sp->confidence);
    fprintf(out, "### %s ", s->passed ? "\xE2\x9C\x94" : s->undecided ? "?" : "\xE2\x9C\x98");
    cell(out, sp->name);
    fprintf(out, ": %s\n\n", rl_report_verdict(s));
    if (sp->description) {
        cell(out, sp->description);
        fputs(" \xC2\xB7 ", out);
    }
    if (rl_spec_issue_is_url(sp->issue)) {
        fputs("<", out);
        fputs(sp->issue, out);
        fputs(">", out);
    } else {
        cell(out, sp->issue ? sp->issue : "");
    }
    fputs("\n\n", out);
    char where[1200];
    if (*rl_report_where(where, sizeof where, s)) {
        cell(out, where);
        fputs("\n\n", out);
    }
    fprintf(out, "| variant | trials | pass | crash | hang | error | crash rate | Wilson %s | first crash |\n", conf);
    fputs("|---|---:|---:|---:|---:|---:|---:|---|---:|\n", out);
    for (int i = 0; i < s->ntallies; i++) {
        const rl_tally_t *t = &s->tallies[i];
        rl_report_rate_t r;
        rl_report_rate(&r, t, sp->confidence);
        fputs("| ", out);
        cell(out, i < sp->nvariants ? sp->variants[i].name : t->variant);
        fprintf(out, " | %ld | %ld | %ld | %ld | %ld | %s | [%s, %s] | ", t->n, t->outcomes[RL_OUTCOME_PASS],
                r.crashes, t->outcomes[RL_OUTCOME_HANG], t->outcomes[RL_OUTCOME_ERROR], r.rate, r.lo, r.hi);
        if (t->first_crash_index >= 0)
            fprintf(out, "%.2f s |\n", t->first_crash_s);
        else
            fputs("none |\n", out);
    }
    fputs("\n|  | expectation | why |\n|---|---|---|\n", out);
    for (int i = 0; i < s->nresults; i++) {
        const rl_expect_result_t *r = &s->results[i];
        fprintf(out, "| %s | ", rl_report_mark(r->result));
        cell(out, r->expect ? r->expect->text : "?");
        fputs(" | ", out);
        cell(out, rl_report_why(r));
        fputs(" |\n", out);
    }
    fputc('\n', out);
    char errs[160];
    if (*rl_report_errors(errs, sizeof errs, s))
        fprintf(out, "**%s**\n\n", errs);
    for (int i = 0; i < s->ntallies; i++) {
        const rl_bucket_t **v;
        int nb = rl_report_buckets(&s->tallies[i], &v);
        if (nb <= 0)
            continue;
        fputs("Signatures of ", out);
        cell(out, i < sp->nvariants ? sp->variants[i].name : s->tallies[i].variant);
        fputs(":", out);
        for (int j = 0; j < nb; j++) {
            fprintf(out, "%s %ld \xC3\x97 ", j ? "," : "", v[j]->count);
            cell(out, v[j]->signature);
        }
        fputs("\n\n", out);
        char cmd[1024];
        for (int j = 0; j < nb; j++)
            if (*rl_report_replay(cmd, sizeof cmd, s, v[j])) {
                fputs("- ", out);
                cell(out, v[j]->signature);
                fprintf(out, ": first trial %ld", v[j]->first_index);
                if (v[j]->first_log) {
                    fputs(", log `", out);
                    fputs(v[j]->first_log, out);
                    fputs("`", out);
                }
                if (rl_report_printed(v[j])) {
                    fputs("; as printed: ", out);
                    cell(out, rl_report_printed(v[j]));
                }
                fprintf(out, "; rerun: `%s`\n", cmd);
                if (j + 1 == nb)
                    fputc('\n', out);
            }
        free(v);
    }
    rl_report_closing(out, s, cell, " > ");
    fputs("\n\n", out);
}

int rl_report_markdown(FILE *out, const rl_summary_t *const *s, int n)
{
    for (int i = 0; i < n; i++)
        summary(out, s[i]);
    return rl_report_status(out);
}
