import { strict as assert } from "node:assert";
import { cellInNotebook, type NotebookCellText } from "../../server/src/core/notebookText";

const code = (text: string, languageId = "python"): NotebookCellText => ({ kind: "code", languageId, text });
const markdown = (text: string): NotebookCellText => ({ kind: "markup", languageId: "markdown", text });

describe("a notebook cell as one file", () => {
  const cells = [
    markdown("# Sales\n\nLoad the data."),
    code("import pandas as pd\ndf = pd.read_csv('sales.csv')\n"),
    code("library(dplyr)", "r"),
    code("   \n"),
    code("df.groupby('region').sum()"),
    markdown("Plot it."),
    code("df.plot()"),
  ];

  it("puts the cells above before the edited one and the cells below after it, markdown as comments", () => {
    const { text, lineOffset } = cellInNotebook(cells, 4);
    assert.equal(
      text,
      [
        "# # Sales\n#\n# Load the data.",
        "import pandas as pd\ndf = pd.read_csv('sales.csv')",
        "df.groupby('region').sum()",
        "# Plot it.",
        "df.plot()",
      ].join("\n\n"),
    );
    assert.equal(text.split("\n")[lineOffset], "df.groupby('region').sum()");
  });

  it("leaves out another language's cells, empty cells, and markdown where the language has no line comment", () => {
    const r = cellInNotebook(cells, 2);
    assert.equal(r.text, "library(dplyr)".replace(/^/, "# # Sales\n#\n# Load the data.\n\n").concat("\n\n# Plot it."));
    const json = cellInNotebook([markdown("Notes"), code('{"a": 1}', "json"), code("{}", "json")], 2);
    assert.deepEqual(json, { text: '{"a": 1}\n\n{}', lineOffset: 2 });
  });

  it("keeps the edited cell exactly as it is, trailing lines and all, even when it is empty", () => {
    const edited = cellInNotebook([code("x = 1"), code("y = \n\n"), code("z = 3")], 1);
    assert.deepEqual(edited, { text: "x = 1\n\ny = \n\n\n\nz = 3", lineOffset: 2 });
    assert.deepEqual(cellInNotebook([code(""), code("")], 0), { text: "", lineOffset: 0 });
  });

  it("takes cells outward only as far as the window can reach, and leaves an empty markdown cell out", () => {
    const many = Array.from({ length: 40 }, (_, n) => code(`x${n} = ${n}\ny${n} = ${n}`));
    const { text, lineOffset } = cellInNotebook([...many, markdown("  \n"), code("z = 1")], 41, { above: 8, below: 8 });
    // Two lines and a blank line per cell: three cells above reach 8 lines; the empty markdown cell adds nothing.
    assert.equal(text, "x37 = 37\ny37 = 37\n\nx38 = 38\ny38 = 38\n\nx39 = 39\ny39 = 39\n\nz = 1");
    assert.equal(lineOffset, 9);
  });
});
