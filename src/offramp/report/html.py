"""Pieces of the self-contained HTML report: page, figures, tables, manifest.

The page has no script and loads nothing: its style is inline and every figure is an SVG
embedded as a ``data:`` URI (an ``<img>``, so that the SVGs' internal ids cannot clash), so
the file opens offline, in a mail attachment or an archive, exactly as it was written.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from offramp.report.figures import ReportFigure
from offramp.report.parameters import ParameterInfo

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto;
       max-width: 1100px; padding: 1.5rem; color: #1d2329; line-height: 1.45; }
h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
h2 { border-bottom: 1px solid #d0d7de; padding-bottom: 0.2rem; margin-top: 2.2rem; }
.lede { color: #4a5560; }
table { border-collapse: collapse; font-size: 0.88rem; margin: 0.6rem 0; }
th, td { border: 1px solid #d0d7de; padding: 0.25rem 0.5rem; vertical-align: top; }
th { background: #f3f5f7; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure.chart { margin: 1.2rem 0; }
figure.chart img { max-width: 100%; height: auto; border: 1px solid #eef1f4; }
figcaption { font-size: 0.9rem; color: #39424b; max-width: 900px; }
pre { background: #f6f8fa; padding: 0.8rem; overflow-x: auto; font-size: 0.8rem; }
.note { background: #fff8e5; border-left: 4px solid #e0b000; padding: 0.4rem 0.8rem; }
footer { margin-top: 3rem; color: #6a737d; font-size: 0.8rem; }
"""


def write_report(
    text: str, figures: Iterable[ReportFigure], out: Path, figures_dir: Path | None
) -> list[Path]:
    """Write the HTML page, and each figure as PNG and SVG into ``figures_dir`` if given."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    written = [out]
    if figures_dir is not None:
        for figure in figures:
            written.extend(figure.save(figures_dir))
    return written


def page(title: str, sections: Iterable[str], footer: str) -> str:
    """A whole HTML document with inline style and the given body sections."""
    body = "\n".join(sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>\n"
        f"<body>\n{body}\n<footer>{escape(footer)}</footer>\n</body></html>\n"
    )


def section(heading: str, *parts: str, anchor: str = "") -> str:
    """A report section with its heading."""
    identifier = f' id="{escape(anchor)}"' if anchor else ""
    return f"<section{identifier}>\n<h2>{escape(heading)}</h2>\n" + "\n".join(parts) + "</section>"


def figure_html(figure: ReportFigure, number: int) -> str:
    """A numbered figure: the SVG inline as a data URI, its title and caption."""
    encoded = base64.b64encode(figure.svg()).decode("ascii")
    return (
        f'<figure class="chart" id="figure-{escape(figure.name)}">'
        f'<img alt="{escape(figure.title)}" src="data:image/svg+xml;base64,{encoded}">'
        f"<figcaption><strong>Figure {number}. {escape(figure.title)}.</strong> "
        f"{escape(figure.caption)}</figcaption></figure>"
    )


def table(header: Sequence[str], rows: Iterable[Sequence[str]], numeric_from: int = 1) -> str:
    """An HTML table; cells are already-escaped HTML; columns from ``numeric_from`` align right."""
    head = "".join(f"<th>{escape(cell)}</th>" for cell in header)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{cell}</td>' if index >= numeric_from else f"<td>{cell}</td>"
            for index, cell in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def summary_table(summary: Mapping[str, Mapping[str, Any]]) -> str:
    """The side-by-side comparison of policies (the numbers of ``Study.summary()``).

    Its columns are the registry's (:func:`offramp.outcomes.summary_columns`), the same as
    the CLI's and the dashboard's.
    """
    from offramp.outcomes import summary_columns

    columns = summary_columns()
    header = ("policy", *(column.title for column in columns))
    rows = [
        (escape(name), *(escape(column.cell(row)) for column in columns))
        for name, row in summary.items()
    ]
    return table(header, rows)


def parameter_table(parameters: Sequence[ParameterInfo]) -> str:
    """Every parameter: its dotted path, value, unit, allowed range, source and meaning."""
    rows = [
        (
            f"<code>{escape(p.path)}</code>",
            f"{p.value:g}",
            escape(p.unit),
            escape(p.range_text),
            escape(p.source),
            escape(p.description),
        )
        for p in parameters
    ]
    return table(("parameter", "value", "unit", "range", "source", "meaning"), rows, 1)


def bullet_list(items: Iterable[str]) -> str:
    """A plain list of escaped text items."""
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def manifest_block(manifest: Mapping[str, Any]) -> str:
    """The manifest as JSON, ready to copy."""
    return f"<pre>{escape(json.dumps(manifest, indent=2, default=str))}</pre>"


def paragraph(text: str, css_class: str = "") -> str:
    """A paragraph of escaped text."""
    attribute = f' class="{css_class}"' if css_class else ""
    return f"<p{attribute}>{escape(text)}</p>"
