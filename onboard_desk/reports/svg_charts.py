"""Small inline SVG charts for the HTML report (no scripts, no external files)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

PALETTE = ("#4472C4", "#ED7D31", "#70AD47", "#A5A5A5")


def horizontal_bars(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
    value_format: str = "{:,.0f}",
    width: int = 640,
) -> str:
    """Grouped horizontal bars (one group per label), values printed at the bar ends."""
    label_width, bar_height, gap = 130, 16, 10
    group = bar_height * len(series) + gap
    height = 40 + group * len(labels) + 24
    top = max((v or 0 for _n, values in series for v in values), default=0) or 1
    scale = (width - label_width - 80) / top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="12">',
        f'<text x="0" y="16" font-weight="bold" font-size="14">{escape(title)}</text>',
    ]
    for i, label in enumerate(labels):
        y0 = 30 + i * group
        parts.append(
            f'<text x="{label_width - 6}" y="{y0 + group / 2}" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        for s, (_name, values) in enumerate(series):
            value = values[i]
            y = y0 + s * bar_height
            length = (value or 0) * scale
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{length:.1f}" '
                f'height="{bar_height - 2}" fill="{PALETTE[s % len(PALETTE)]}"/>'
            )
            text = "—" if value is None else value_format.format(value)
            parts.append(
                f'<text x="{label_width + length + 4:.1f}" y="{y + bar_height - 5}">{text}</text>'
            )
    if len(series) > 1:
        x = label_width
        for s, (name, _values) in enumerate(series):
            parts.append(
                f'<rect x="{x}" y="{height - 14}" width="10" height="10" '
                f'fill="{PALETTE[s % len(PALETTE)]}"/>'
            )
            parts.append(f'<text x="{x + 14}" y="{height - 5}">{escape(name)}</text>')
            x += 20 + 7 * len(name)
    parts.append("</svg>")
    return "".join(parts)


def lines(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    title: str,
    width: int = 720,
    height: int = 280,
) -> str:
    """A line chart over categories (weeks), with a legend and a labelled y axis."""
    left, right, top_pad, bottom = 50, 10, 30, 50
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = max((v for _n, values in series for v in values), default=0) or 1
    n = max(len(labels) - 1, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="11">',
        f'<text x="0" y="16" font-weight="bold" font-size="14">{escape(title)}</text>',
    ]
    for tick in range(5):
        value = top * tick / 4
        y = top_pad + plot_h - plot_h * tick / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{value:,.0f}</text>')
    step = max(1, len(labels) // 8)
    for i in range(0, len(labels), step):
        x = left + plot_w * i / n
        parts.append(
            f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle">'
            f"{escape(labels[i])}</text>"
        )
    for s, (name, values) in enumerate(series):
        points = " ".join(
            f"{left + plot_w * i / n:.1f},{top_pad + plot_h - plot_h * v / top:.1f}"
            for i, v in enumerate(values)
        )
        color = PALETTE[s % len(PALETTE)]
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{points}"/>')
        x = left + s * 130
        parts.append(f'<rect x="{x}" y="{height - 16}" width="10" height="10" fill="{color}"/>')
        parts.append(f'<text x="{x + 14}" y="{height - 7}">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
