"""Plain-text tables for the CLI: the first column left, numbers right, the total row last."""

from collections.abc import Sequence


def render_table(header: Sequence[str], rows: list[Sequence[str]],
                 total: Sequence[str]) -> str:
    cells = [list(header), *map(list, rows), list(total)]
    widths = [max(len(row[index]) for row in cells) for index in range(len(header))]

    def line(row):
        return "  ".join(cell.ljust(width) if index == 0 else cell.rjust(width)
                         for index, (cell, width) in enumerate(zip(row, widths, strict=True)))

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([*map(line, cells[:-1]), rule, line(cells[-1])])
