/* report/writer.h - helpers the report writers share (not public API). */
#ifndef RL_REPORT_IMPL_H
#define RL_REPORT_IMPL_H

#include <stdio.h>

#include "report/report.h"

/* The writers, one per file; rl_report_writers[] (report.c) lists them. */
int rl_report_text(FILE *out, const rl_summary_t *const *s, int n);
int rl_report_json(FILE *out, const rl_summary_t *const *s, int n);
int rl_report_junit(FILE *out, const rl_summary_t *const *s, int n);
int rl_report_markdown(FILE *out, const rl_summary_t *const *s, int n);
int rl_report_html(FILE *out, const rl_summary_t *const *s, int n);

/* Buckets of t sorted by count (descending), then signature, so every
 * report lists them in one deterministic order.  Fills *out with a
 * malloc'd array of pointers (free it); returns the count, -1 when out of
 * memory. */
int rl_report_buckets(const rl_tally_t *t, const rl_bucket_t ***out);
/* b's first trial's signature line as the program printed it, when that
 * differs from the signature ("--- FAIL: TestX (0.03s)" beside "--- FAIL:
 * TestX (?s)"); NULL when it is the same or unknown.  Every report shows
 * it beside the first trial ("as printed: ..."). */
const char *rl_report_printed(const rl_bucket_t *b);
/* "holds", "fails", "undecided". */
const char *rl_report_judgement(rl_judgement_t j);
/* The confidence as a percentage label: "95%", "99.9%". */
char *rl_report_conf(char *buf, size_t len, double confidence);
/* A tally's crash rate as the reports print it: its crashes, its Wilson
 * interval, and the rate and the interval's ends as percentages ("83.3%";
 * the rate of no trials is 0). */
typedef struct {
    long crashes;
    rl_interval_t wilson;
    char rate[16], lo[16], hi[16];
} rl_report_rate_t;
void rl_report_rate(rl_report_rate_t *r, const rl_tally_t *t, double confidence);
/* The trials of t that ran: error trials (could not start) are counted in
 * no rate, interval or bound. */
long rl_report_ran(const rl_tally_t *t);
/* The mark of a judgement: a check mark, a cross, or "?" for undecided. */
const char *rl_report_mark(rl_judgement_t j);
/* A judgement's sentence: why, or "undecided" when there is none. */
const char *rl_report_why(const rl_expect_result_t *r);
/* The verdict of s in a word: "passed", "FAILED", "UNDECIDED". */
const char *rl_report_verdict(const rl_summary_t *s);
/* The sentence on the trials of s that could not run ("3 trials could not
 * run (infrastructure or setup errors): counted in no rate."), written into
 * buf; "" when there were none. */
const char *rl_report_errors(char *buf, size_t len, const rl_summary_t *s);
/* The background load s's trials ran beside: its --co-load ("cpu=4"),
 * or "none". */
const char *rl_report_co_load(const rl_summary_t *s);
/* Total trials run over every variant of s. */
long rl_report_trials(const rl_summary_t *s);
/* The closing sentences of a spec's report: Fisher's test when it was run,
 * how many trials, the wall time and the co-load ("... Wall time 1.2 s.
 * Co-load: none."), names written
 * with esc and gt standing for '>'. */
void rl_report_closing(FILE *out, const rl_summary_t *s, void (*esc)(FILE *, const char *), const char *gt);
/* s with XML special characters escaped; bytes XML 1.0 cannot carry
 * (control characters, invalid UTF-8) become the visible text \xNN, C1
 * controls and the noncharacters U+FFFE/U+FFFF the text \uXXXX. */
void rl_report_xml(FILE *out, const char *s);
/* s for a terminal (or a file read on one): control characters (C0, DEL,
 * C1: escape sequences) and invalid UTF-8 become the visible text \xNN
 * (C1: \uXXXX), so text from a trial cannot drive the terminal. */
void rl_report_term(FILE *out, const char *s);
/* s as a JSON string literal (or null); the same escaping as store/results.c. */
void rl_report_json_str(FILE *out, const char *s);
/* head (the JSON before a value: ",\"path\":"), then s as rl_report_json_str
 * writes it. */
void rl_report_json_field(FILE *out, const char *head, const char *s);
/* The command that reruns b's first trial, "racelab replay --spec NAME
 * DIR INDEX" (no --spec for racelab run's), DIR quoted for a POSIX shell
 * when it needs it, in buf; "" when s names no results directory. */
const char *rl_report_replay(char *buf, size_t len, const rl_summary_t *s, const rl_bucket_t *b);
/* "base seed N; results in DIR" (either part alone when only it is
 * known) in buf; "" when s knows neither. */
const char *rl_report_where(char *buf, size_t len, const rl_summary_t *s);
/* Fails with -1 when out has seen a write error (so a full disk is not a
 * "written" report). */
int rl_report_status(FILE *out);

#endif
