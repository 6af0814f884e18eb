#!/usr/bin/env python3
"""Check racelab's user documentation against the tree and the program.

Usage:
  python3 ci/check-docs.py --racelab BUILD/harness/racelab   # check the docs (from any directory)
  python3 ci/check-docs.py --self-test                       # show that each check fails on a broken copy

Documents checked: README.md, NEWS, every docs/**/*.md (the man page sources included),
reproducers/README.md and the comment lines of reproducers/*.repro.  Each problem is printed
as FILE:LINE: message; the exit status is 1 when there is any, 0 when there is none.

1. links and paths: every relative Markdown link [text](target) resolves (relative to the
   document); every repository path in the text (a word starting with ci/, harness/,
   scenarios/, reproducers/, tests/, bench/ or docs/, not preceded by a / as in build/...
   or {build}/...) exists, and a path written as a glob or with a <placeholder> matches at
   least one file; every bare *.md file name exists next to the document or at the root.
   Build outputs (build/..., {build}/..., "$B"/...) are not repository paths and are skipped.
2. options: every --option that `racelab CMD --help` prints, for CMD in run check merge
   replay plan sweep bisect, appears in that command's section ("## racelab CMD") of
   docs/racelab.1.md, and every option of `racelab --help` appears in the page.
3. keywords: every keyword the spec parser accepts appears as a "## KEYWORD" section of
   docs/racelab-repro.5.md, every expectation kind as "expect V KIND", every value of
   hang-after-signature and every placeholder somewhere in the page.  The parser's keywords
   are read from harness/**/spec.c: the string literals compared with strcmp() against its
   keyword variable (kw), against the expectation word (tok, inside parse_expect) and against
   the value of hang-after-signature (rest); the placeholders from its "unknown placeholder
   ... (known: ...)" message.  The keyword list is cross-checked with the parser's own
   "unknown keyword ... (known: ...)" message, so a parser this script no longer understands
   fails the check instead of passing it.
4. wording: text that describes how the project was made rather than what it does (the
   patterns are in FORBIDDEN below) fails.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

PATH_PREFIXES = ('ci', 'harness', 'scenarios', 'reproducers', 'tests', 'bench', 'docs')
COMMANDS = ('run', 'check', 'merge', 'replay', 'plan', 'sweep', 'bisect')

# (pattern, what it is); matched case-insensitively, line by line.
FORBIDDEN = [
    (r'\bsessions?\b', 'a working session'),
    (r'\bround\s+\d+\b|\brounds\s+[1-9]\s*(?:[-–,]|and)\s*[1-9]\b(?!\s*%)', 'a numbered round of work'),
    (r'\b(?:this|that|next|previous|earlier|later|first|second|third|last) round\b',
     'a round of work'),
    (r'\bbranch(?:es)?\b', 'a branch of development'),
    (r'\bNOTES\b|NOTES-[\w.-]*', 'internal notes'),
    (r'\bwork[ -]items?\b', 'an internal work item'),
    (r'(?<!Go )(?<!golang/go)\bissue\s+[0-9]{1,3}\b(?!\d)', 'an internal issue number'),
    (r'`?\[(?:house|manual|faults|windows|family|model|runner|analysis|go\d*)\]`?\s+(?:work|issue|item)',
     'an internal work item'),
    (r'\balone on the machine\b', "who else used the machine"),
    (r'\bshared (?:with|by) (?:\d|other|the other|another)', "who else used the machine"),
    (r'\bother (?:helpers|users|jobs|engineers)\b', "who else used the machine"),
    (r'\bmy (?:notes|branch|work)\b|\bI (?:attribute|measured|tried|think)\b', 'a diary voice'),
]


class Problems:
    def __init__(self):
        self.items = []

    def add(self, path, line, msg):
        item = f'{path}:{line}: {msg}' if line else f'{path}: {msg}'
        if item not in self.items:
            self.items.append(item)


def documents(root):
    """(relative path, [(line number, text)]) for every checked document."""
    out = []
    names = ['README.md', 'NEWS', 'reproducers/README.md']
    names += sorted(os.path.relpath(p, root)
                    for p in glob.glob(os.path.join(root, 'docs', '**', '*.md'), recursive=True))
    for rel in names:
        p = os.path.join(root, rel)
        if not os.path.exists(p):
            continue
        with open(p, encoding='utf-8') as f:
            out.append((rel, list(enumerate(f.read().split('\n'), 1))))
    for p in sorted(glob.glob(os.path.join(root, 'reproducers', '*.repro'))):
        rel = os.path.relpath(p, root)
        with open(p, encoding='utf-8') as f:
            lines = [(n, t) for n, t in enumerate(f.read().split('\n'), 1)
                     if t.lstrip().startswith('#')]
        out.append((rel, lines))
    return out


LINK_RE = re.compile(r'\[[^\]]*\]\(([^)\s]+)\)')
PATH_RE = re.compile(r'(?<![\w./$}"\'-])(?:' + '|'.join(PATH_PREFIXES) + r')/[A-Za-z0-9_.+/-]*')
MD_RE = re.compile(r'(?<![\w./-])[A-Za-z0-9_][\w.-]*\.md\b')
URL_RE = re.compile(r'\b(?:https?|ftp)://\S+')


def check_paths(root, docs, probs):
    for rel, lines in docs:
        here = os.path.dirname(os.path.join(root, rel))
        for n, text in lines:
            for m in LINK_RE.finditer(text):
                target = m.group(1)
                if re.match(r'^(?:[a-z]+:|#)', target):
                    continue
                path = target.split('#', 1)[0]
                if not os.path.exists(os.path.normpath(os.path.join(here, path))):
                    probs.add(rel, n, f'link target {target!r} does not exist')
            bare = LINK_RE.sub(' ', URL_RE.sub(' ', text))   # link targets: checked above
            for m in PATH_RE.finditer(bare):
                tok = m.group(0)
                rest = bare[m.end():]
                word = re.match(r'[^\s`\'"),;]*', rest).group(0)
                if word and word[0] in '*?[{<':
                    pattern = re.sub(r'<[^>]*>|\{[^}]*\}', '*', tok + word)
                    pattern = pattern.rstrip('.:')
                    if not glob.glob(os.path.join(root, pattern)):
                        probs.add(rel, n, f'no file matches {tok + word!r}')
                    continue
                tok = tok.rstrip('.:')
                if not os.path.exists(os.path.join(root, tok)):
                    probs.add(rel, n, f'path {tok!r} does not exist')
            for m in MD_RE.finditer(bare):
                name = m.group(0)
                if not (os.path.exists(os.path.join(here, name)) or
                        os.path.exists(os.path.join(root, name))):
                    probs.add(rel, n, f'file {name!r} does not exist')


def section(lines, start_re):
    """Line numbers and text of the '## ' section whose heading matches start_re."""
    out, inside = [], False
    for n, text in lines:
        if text.startswith('#'):
            if inside:
                break
            if re.match(start_re, text):
                inside = True
                out.append((n, text))
                continue
        if inside:
            out.append((n, text))
    return out


def help_options(racelab, cmd):
    args = [racelab] + ([cmd] if cmd else []) + ['--help']
    res = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
    text = res.stdout.decode('utf-8', 'replace')
    if res.returncode != 0:
        raise RuntimeError(f'{" ".join(args)} exited {res.returncode}: {text.strip()[:200]}')
    return sorted(set(re.findall(r'(?<![\w-])--[a-z][a-z0-9-]*', text)))


def check_options(root, racelab, probs):
    rel = 'docs/racelab.1.md'
    with open(os.path.join(root, rel), encoding='utf-8') as f:
        lines = list(enumerate(f.read().split('\n'), 1))
    whole = '\n'.join(t for _, t in lines)
    for opt in help_options(racelab, None):
        if not re.search(re.escape(opt) + r'(?![\w-])', whole):
            probs.add(rel, 1, f'racelab --help prints {opt}, which the page does not mention')
    for cmd in COMMANDS:
        sec = section(lines, r'^## racelab ' + cmd + r'\b')
        if not sec:
            probs.add(rel, 1, f'no section "## racelab {cmd}"')
            continue
        text = '\n'.join(t for _, t in sec)
        for opt in help_options(racelab, cmd):
            if opt == '--help':
                continue
            if not re.search(re.escape(opt) + r'(?![\w-])', text):
                probs.add(rel, sec[0][0],
                          f'racelab {cmd} --help prints {opt}, missing from section "## racelab {cmd}"')


def find_spec_c(root):
    hits = sorted(glob.glob(os.path.join(root, 'harness', '**', 'spec.c'), recursive=True))
    if len(hits) != 1:
        raise RuntimeError(f'expected exactly one harness/**/spec.c, found {len(hits)}')
    return hits[0]


class ParserError(Exception):
    def __init__(self, line, msg):
        super().__init__(msg)
        self.line = line


def parser_words(spec_c):
    """Keywords, expectation kinds, hang-after-signature values and placeholders of spec.c,
    each as (word, line in spec.c)."""
    with open(spec_c, encoding='utf-8') as f:
        src = f.read()
    rel = spec_c

    def found(rx, text, offset=0):
        return [(m.group(1), src.count('\n', 0, offset + m.start()) + 1) for m in re.finditer(rx, text)]
    kw = found(r'strcmp\(\s*kw\s*,\s*"([^"]+)"\s*\)', src)
    m = re.search(r'static int parse_expect\b.*?\n\}', src, re.S)
    if not m:
        raise ParserError(1, 'no parse_expect() found: ci/check-docs.py needs updating')
    kinds = [(w, n) for w, n in found(r'strcmp\(\s*tok\s*,\s*"([^"]+)"\s*\)', m.group(0), m.start())
             if w not in ('rate', 'upper')]
    m = re.search(r'"hang-after-signature"\)\).*?\}\s*else', src, re.S)
    values = found(r'strcmp\(\s*rest\s*,\s*"([^"]+)"\s*\)', m.group(0), m.start()) if m else []
    known = re.search(r'unknown keyword[^(]*\(known: ((?:[^)"]|"\s*")*)\)', src)
    if not known:
        raise ParserError(1, 'no "unknown keyword ... (known: ...)" message found: ci/check-docs.py needs updating')
    listed = re.sub(r'"\s*"', '', known.group(1)).split()
    if sorted(set(w for w, _ in kw)) != sorted(set(listed)):
        raise ParserError(src.count('\n', 0, known.start()) + 1,
                          f'keywords compared with strcmp ({" ".join(w for w, _ in kw)}) differ from '
                          f'the "known:" list ({" ".join(listed)}): ci/check-docs.py needs updating')
    ph = re.search(r'unknown placeholder[^(]*\(known: ([^)]*)\)', src)
    placeholders = [(p, src.count('\n', 0, ph.start()) + 1) for p in re.findall(r'\{[a-z]+\}', ph.group(1))] \
        if ph else []
    if not kinds or not values or not placeholders:
        raise ParserError(1, 'could not read the expectation kinds, the hang-after-signature values or '
                             'the placeholders: ci/check-docs.py needs updating')
    return kw, kinds, values, placeholders


def check_keywords(root, spec_c, probs):
    rel = 'docs/racelab-repro.5.md'
    with open(os.path.join(root, rel), encoding='utf-8') as f:
        text = f.read()
    lines = list(enumerate(text.split('\n'), 1))
    src = os.path.relpath(spec_c, root)

    def heading_line(title):
        for n, t in lines:
            if t.strip() == title:
                return n
        return 1
    kw, kinds, values, placeholders = parser_words(spec_c)
    headings = set(re.findall(r'^## (\S+)\s*$', text, re.M))
    at = heading_line('# KEYWORDS')
    for k, n in kw:
        if k not in headings:
            probs.add(rel, at, f'the spec parser accepts keyword {k!r} ({src}:{n}); the page has no '
                               f'"## {k}" section')
    at = heading_line('## expect')
    for k, n in kinds:
        if not re.search(r'expect\s+\S+\s+' + re.escape(k) + r'(?![\w-])', text):
            probs.add(rel, at, f'the spec parser accepts "expect V {k}" ({src}:{n}); the page never shows it')
    at = heading_line('## hang-after-signature')
    sec = '\n'.join(t for _, t in section(lines, r'^## hang-after-signature'))
    for v, n in values:
        if f'`{v}`' not in sec and not re.search(r'hang-after-signature\s+' + re.escape(v) + r'\b', sec):
            probs.add(rel, at, f'hang-after-signature accepts {v!r} ({src}:{n}); its section does not say so')
    at = heading_line('# PLACEHOLDERS')
    for p, n in placeholders:
        if p not in text:
            probs.add(rel, at, f'the spec parser knows placeholder {p} ({src}:{n}); the page does not mention it')


def check_wording(docs, probs):
    pats = [(re.compile(p, re.I), what) for p, what in FORBIDDEN]
    for rel, lines in docs:
        for n, text in lines:
            for rx, what in pats:
                m = rx.search(text)
                if m:
                    probs.add(rel, n, f'{m.group(0)!r} describes how the project was made ({what}), '
                                      f'not what racelab does')


def run_checks(root, racelab, spec_c=None):
    probs = Problems()
    docs = documents(root)
    check_paths(root, docs, probs)
    check_wording(docs, probs)
    try:
        spec_c = spec_c or find_spec_c(root)
        check_keywords(root, spec_c, probs)
    except ParserError as e:
        probs.add(os.path.relpath(spec_c, root), e.line, str(e))
    except RuntimeError as e:
        probs.add('ci/check-docs.py', 1, str(e))
    if racelab:
        try:
            check_options(root, racelab, probs)
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
            probs.add('ci/check-docs.py', 1, f'racelab --help: {e}')
    return probs.items


# ---------------------------------------------------------------- self-test

FAKE_HELP = {
    '': 'usage: racelab COMMAND\n  racelab COMMAND --help\n  racelab --version\n',
    'run': '  --trials N\n  --time D\n  --jobs J\n  --keep-logs\n',
    'check': '  --jobs J\n  --resume DIR\n  --shard I/N\n  --quiet\n',
    'merge': 'usage: racelab merge [--results OUT] [--json F] DIR...\n',
    'replay': 'usage: racelab replay [--timeout T] [--spec NAME] DIR TRIAL\n',
    'plan': 'usage: racelab plan --buggy-rate P --bound B [--confidence C]\n',
    'sweep': '  --knob NAME=V\n  --fixed-n\n',
    'bisect': '  --candidates FILE\n  --signature RE\n  --confidence C\n',
}


def fake_racelab(dirpath, extra_run_option=None):
    """A stand-in for the racelab binary whose --help texts are FAKE_HELP."""
    helps = dict(FAKE_HELP)
    if extra_run_option:
        helps['run'] += f'  {extra_run_option} X\n'
    path = os.path.join(dirpath, 'racelab-fake')
    with open(path, 'w') as f:
        f.write('#!/usr/bin/env python3\nimport sys\nH = %r\n' % helps)
        f.write('a = sys.argv[1:]\ncmd = a[0] if len(a) > 1 else ""\n'
                'sys.stdout.write(H.get(cmd, "")); sys.exit(0 if cmd in H else 64)\n')
    os.chmod(path, 0o755)
    return path


def copy_tree(root, dest):
    os.makedirs(dest, exist_ok=True)
    for rel in ('README.md', 'NEWS', 'LICENSE', 'docs', 'reproducers', 'ci', 'bench'):
        src = os.path.join(root, rel)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(dest, rel))
        elif os.path.exists(src):
            shutil.copy(src, os.path.join(dest, rel))
    for sub in ('harness', 'scenarios', 'tests'):     # paths only: the docs name some of them
        for dirpath, _, files in os.walk(os.path.join(root, sub)):
            d = os.path.join(dest, os.path.relpath(dirpath, root))
            os.makedirs(d, exist_ok=True)
            for fn in files:
                shutil.copy(os.path.join(dirpath, fn), d)


def edit(path, old, new, count=1):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    if old not in text:
        raise AssertionError(f'self-test: {old!r} not found in {path}')
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text.replace(old, new, count))


def append(path, text):
    with open(path, 'a', encoding='utf-8') as f:
        f.write(text)


def line_of(path, needle):
    with open(path, encoding='utf-8') as f:
        for n, t in enumerate(f, 1):
            if needle in t:
                return n
    raise AssertionError(f'self-test: {needle!r} not in {path}')


def self_test(root):
    cases = []

    def case(name, breakage, expect_re, racelab_opt=None):
        cases.append((name, breakage, expect_re, racelab_opt))

    def broken_link(d):
        append(os.path.join(d, 'README.md'), '\nSee [the guide](docs/no-such-page.md).\n')
        return f'README.md:{line_of(os.path.join(d, "README.md"), "no-such-page")}:'
    case('a relative link that does not resolve', broken_link, r"link target 'docs/no-such-page\.md'")

    def broken_path(d):
        p = os.path.join(d, 'docs', 'racelab.1.md')
        append(p, '\nThe script `ci/no-such-script.sh` does it.\n')
        return f'docs/racelab.1.md:{line_of(p, "no-such-script")}:'
    case('a repository path that does not exist', broken_path, r"path 'ci/no-such-script\.sh'")

    def broken_glob(d):
        p = os.path.join(reproducers := os.path.join(d, 'reproducers'), 'go-17165.repro')
        edit(p, '\n', '\n# See reproducers/nothing-*.repro for more.\n')
        return f'reproducers/go-17165.repro:{line_of(p, "nothing-*")}:'
    case('a glob in a spec comment that matches nothing', broken_glob, r"no file matches 'reproducers/nothing-\*\.repro'")

    def missing_md(d):
        p = os.path.join(d, 'reproducers', 'README.md')
        append(p, '\nThe figures are in NOTES-model.md.\n')
        return f'reproducers/README.md:{line_of(p, "NOTES-model")}:'
    case('a Markdown file name that does not exist', missing_md, r"file 'NOTES-model\.md' does not exist")

    def new_option(d):
        return 'docs/racelab.1.md:'
    case('an option racelab prints that the man page lacks', new_option,
         r'racelab run --help prints --frobnicate, missing from section "## racelab run"',
         racelab_opt='--frobnicate')

    def dropped_option(d):
        p = os.path.join(d, 'docs', 'racelab.1.md')
        with open(p, encoding='utf-8') as f:
            text = f.read()
        # Every mention, the option's own line and any list naming it.
        text = re.sub(r'^- `--keep-logs`.*\n', '', text, flags=re.M).replace('`--keep-logs`', '`--other`')
        with open(p, 'w', encoding='utf-8') as f:
            f.write(text)
        return 'docs/racelab.1.md:'
    case('an option deleted from the man page', dropped_option,
         r'racelab run --help prints --keep-logs, missing from section')

    def dropped_keyword(d):
        edit(os.path.join(d, 'docs', 'racelab-repro.5.md'), '## confidence\n', 'Confidence.\n')
        return 'docs/racelab-repro.5.md:'
    case('a keyword section deleted from racelab-repro(5)', dropped_keyword,
         r"accepts keyword 'confidence' \(harness/.*spec\.c:\d+\); the page has no \"## confidence\" section")

    def new_keyword(d):
        spec_c = find_spec_c(d)
        edit(spec_c, '} else if (!strcmp(kw, "variant")) {',
             '} else if (!strcmp(kw, "retries")) {\n        return 0;\n'
             '    } else if (!strcmp(kw, "variant")) {')
        edit(spec_c, '"variant expect)"', '"retries variant expect)"')
        return 'docs/racelab-repro.5.md:'
    case('a keyword added to the spec parser', new_keyword, r"accepts keyword 'retries'")

    def parser_changed(d):
        spec_c = find_spec_c(d)
        edit(spec_c, '} else if (!strcmp(kw, "variant")) {',
             '} else if (!strcmp(kw, "retries")) {\n        return 0;\n'
             '    } else if (!strcmp(kw, "variant")) {')
        return os.path.relpath(spec_c, d) + ':'
    case('a parser whose keyword table the checker cannot follow', parser_changed,
         r'differ from the "known:" list')

    def forbidden(d):
        p = os.path.join(d, 'reproducers', 'go-17165.repro')
        edit(p, '\n', '\n# Measured in round 3 while other sessions used the machine.\n')
        return f'reproducers/go-17165.repro:{line_of(p, "round 3")}:'
    case('project-history wording in a spec comment', forbidden, r"'round 3' describes how the project was made")

    def forbidden_doc(d):
        p = os.path.join(d, 'docs', 'racelab-repro.5.md')
        append(p, '\nThis keyword came from the model branch.\n')
        return f'docs/racelab-repro.5.md:{line_of(p, "model branch")}:'
    case('project-history wording in a man page', forbidden_doc, r"'branch' describes how the project was made")

    failures = 0
    with tempfile.TemporaryDirectory(prefix='racelab-check-docs-') as tmp:
        base = os.path.join(tmp, 'base')
        copy_tree(root, base)
        fake = fake_racelab(tmp)
        got = run_checks(base, fake)
        if got:
            print('self-test: the unbroken copy does not pass:', *got, sep='\n  ')
            return 1
        print('ok    the unbroken copy passes')
        for i, (name, breakage, expect_re, racelab_opt) in enumerate(cases):
            d = os.path.join(tmp, f'case{i}')
            copy_tree(root, d)
            where = breakage(d)
            exe = fake_racelab(os.path.join(tmp), racelab_opt) if racelab_opt else fake
            proc = subprocess.run([sys.executable, os.path.abspath(__file__), '--root', d, '--racelab', exe],
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            out = proc.stdout.decode()
            hit = [ln for ln in out.splitlines() if ln.startswith(where) and re.search(expect_re, ln)
                   and re.match(r'^[^:\s]+:\d+: ', ln)]
            if proc.returncode != 0 and hit:
                print(f'ok    {name}: exit {proc.returncode}: {hit[0]}')
            else:
                failures += 1
                print(f'FAIL  {name}: exit {proc.returncode}, wanted a line starting {where!r} '
                      f'matching /{expect_re}/; got:\n{out}')
            if racelab_opt:
                fake = fake_racelab(tmp)
    print(f'self-test: {len(cases) - failures} of {len(cases)} broken copies caught')
    return 1 if failures else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--racelab', help='the built racelab binary, for the options check')
    ap.add_argument('--root', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'),
                    help='the source tree (default: the one this script is in)')
    ap.add_argument('--self-test', action='store_true', help='check that each check catches a broken copy')
    a = ap.parse_args()
    root = os.path.abspath(a.root)
    if a.self_test:
        return self_test(root)
    if not a.racelab:
        print('check-docs: give --racelab BUILD/harness/racelab (the options check runs it)', file=sys.stderr)
        return 2
    problems = run_checks(root, os.path.abspath(a.racelab))
    for p in problems:
        print(p)
    if problems:
        print(f'check-docs: {len(problems)} problem(s)', file=sys.stderr)
        return 1
    print('check-docs: README, docs, man pages and spec comments are consistent')
    return 0


if __name__ == '__main__':
    sys.exit(main())
