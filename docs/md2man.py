#!/usr/bin/env python3
"""Convert racelab's man page sources (a small Markdown subset) to man(7) troff.

Usage: md2man.py IN.md OUT.N

The subset, which is also what the sources may use:
  % NAME(N) footer-middle | header-centre     first line: the title
  # SECTION                                    .SH
  ## Subsection                                .SS
  ``` ... ```                                  a literal block (.nf)
  - `tag`: text   (continued by indented lines) a tagged paragraph (.TP)
  - text                                       a bullet (.IP)
  a blank line                                 a new paragraph (.PP)
Inline: `code` and **strong** become bold, *emphasis* italic, [text](link)
becomes text.  Anything else is an error, so a page never renders wrong
silently.
"""
import re
import sys


def esc(text):
    """Escape troff's special characters in running text."""
    text = text.replace('\\', '\\e')
    text = text.replace('-', '\\-')
    return text


def inline(text):
    out = []
    pos = 0
    pattern = re.compile(r'`([^`]+)`|\*\*(.+?)\*\*|\*([^*\s][^*]*)\*|\[([^\]]+)\]\(([^)]+)\)')
    for m in pattern.finditer(text):
        out.append(esc(text[pos:m.start()]))
        if m.group(1) is not None:
            out.append('\\fB' + esc(m.group(1)) + '\\fR')
        elif m.group(2) is not None:
            out.append('\\fB' + inline(m.group(2)) + '\\fR')
        elif m.group(3) is not None:
            out.append('\\fI' + esc(m.group(3)) + '\\fR')
        else:
            out.append(inline(m.group(4)))
        pos = m.end()
    out.append(esc(text[pos:]))
    return ''.join(out)


def line_out(text):
    """A text line: protect a leading control character."""
    if text.startswith(('.', "'")):
        return '\\&' + text
    return text


def convert(src, path):
    lines = src.split('\n')
    out = []
    m = re.match(r'^% (\S+)\((\d)\) (.*?) \| (.*)$', lines[0]) if lines else None
    if not m:
        raise SystemExit(f'{path}:1: wants a title line "% NAME(N) source | manual"')
    out.append(f'.TH "{m.group(1)}" "{m.group(2)}" "" "{m.group(3)}" "{m.group(4)}"')
    i = 1
    para = []      # lines of the current paragraph or list item

    def flush():
        if para:
            # One output line per paragraph, so a `code` span may cross a source line break.
            out.append(line_out(inline(' '.join(para))))
            para.clear()

    in_list = False
    while i < len(lines):
        ln = lines[i]
        n = i + 1
        i += 1
        if ln.startswith('```'):
            flush()
            out.append('.PP' if not in_list else '.IP')
            out.append('.RS 4' if not in_list else '.RS 0')
            out.append('.nf')
            while i < len(lines) and not lines[i].startswith('```'):
                out.append(line_out(esc(lines[i])))
                i += 1
            if i == len(lines):
                raise SystemExit(f'{path}:{n}: unterminated ``` block')
            i += 1
            out.append('.fi')
            out.append('.RE')
            continue
        if ln.startswith('## '):
            flush()
            in_list = False
            out.append('.SS "' + ln[3:].strip().replace('"', '') + '"')
            continue
        if ln.startswith('# '):
            flush()
            in_list = False
            out.append('.SH "' + ln[2:].strip().upper().replace('"', '') + '"')
            continue
        if ln.startswith('#'):
            raise SystemExit(f'{path}:{n}: only # and ## headings are supported')
        if ln.startswith('|'):
            raise SystemExit(f'{path}:{n}: tables are not supported in man page sources')
        if ln.strip() == '':
            flush()
            continue
        item = re.match(r'^- (.*)$', ln)
        if item:
            flush()
            in_list = True
            tagged = re.match(r'^(`[^`]+`(?:, `[^`]+`)*):\s*(.*)$', item.group(1))
            if tagged:
                out.append('.TP')
                out.append(line_out(inline(tagged.group(1))))
                para.append(tagged.group(2))
            else:
                out.append('.IP \\(bu 2')
                para.append(item.group(1))
            continue
        if ln.startswith('  ') and in_list and para:
            para.append(ln.strip())
            continue
        if not para:
            out.append('.PP')
            in_list = False
        para.append(ln.strip())
    flush()
    return '\n'.join(out) + '\n'


def main():
    if len(sys.argv) != 3:
        raise SystemExit('usage: md2man.py IN.md OUT')
    src_path, out_path = sys.argv[1], sys.argv[2]
    with open(src_path, encoding='utf-8') as f:
        text = convert(f.read(), src_path)
    with open(out_path, 'w', encoding='utf-8') as f:
        f.write(text)


if __name__ == '__main__':
    main()
