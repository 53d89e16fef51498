#!/usr/bin/env python3
"""Copies the README's C# examples from the tests that run them into README.md, in order:

1. tests/SocialInvestment.Tests/ReadmeExampleTests.cs, between '// begin-readme' and '// end-readme'
2. tests/SocialInvestment.Csv.Tests/ReadmeScenarioExampleTests.cs, between '// README: begin' and '// README: end'
3. tests/SocialInvestment.Tests/ReadmeUncertaintyExampleTests.cs, between '// begin-readme-uncertainty'
   and '// end-readme-uncertainty'

Each README block is the test file's `using SocialInvestment...` lines, a blank line and the example,
so that it compiles as pasted into a console app that references the packages
(ReadmeCodeTests builds and runs every block; the Readme_Contains... tests keep them in step)."""
import pathlib, re
root = pathlib.Path(__file__).resolve().parent.parent
SOURCES = [
    ("tests/SocialInvestment.Tests/ReadmeExampleTests.cs", "// begin-readme", "// end-readme"),
    ("tests/SocialInvestment.Csv.Tests/ReadmeScenarioExampleTests.cs", "// README: begin", "// README: end"),
    ("tests/SocialInvestment.Tests/ReadmeUncertaintyExampleTests.cs", "// begin-readme-uncertainty", "// end-readme-uncertainty"),
]

def block(path, begin, end):
    src = (root / path).read_text()
    body = re.search(re.escape(begin) + r"\n(.*?)\n(\s*)" + re.escape(end), src, re.S)
    indent = len(body.group(2))
    code = "\n".join(l[indent:] if len(l) >= indent else l.lstrip() for l in body.group(1).split("\n"))
    usings = [l for l in src.split("\n") if re.match(r"using SocialInvestment\.[A-Za-z.]+;$", l) and "TestSupport" not in l]
    return "\n".join(usings) + "\n\n" + code

readme = (root / "README.md").read_text()
parts = re.split(r"(```csharp\n.*?\n```)", readme, flags=re.S)
i = 0
for k, part in enumerate(parts):
    if part.startswith("```csharp\n"):
        parts[k] = "```csharp\n" + block(*SOURCES[i]) + "\n```"
        i += 1
assert i == len(SOURCES), f"README has {i} C# blocks, expected {len(SOURCES)}"
(root / "README.md").write_text("".join(parts))
