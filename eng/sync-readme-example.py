#!/usr/bin/env python3
"""Copies the example between '// begin-readme' and '// end-readme' in
tests/SocialInvestment.Tests/ReadmeExampleTests.cs into the first ```csharp block of README.md
(the test Readme_ContainsTheExampleVerbatim keeps the two in step)."""
import pathlib, re
root = pathlib.Path(__file__).resolve().parent.parent
src = (root / "tests/SocialInvestment.Tests/ReadmeExampleTests.cs").read_text()
block = re.search(r"// begin-readme\n(.*?)\n\s*// end-readme", src, re.S).group(1)
code = "\n".join(l[8:] if len(l) >= 8 else l.lstrip() for l in block.split("\n"))
readme = (root / "README.md").read_text()
readme = re.sub(r"```csharp\n.*?\n```", lambda _: "```csharp\n" + code + "\n```", readme, count=1, flags=re.S)
(root / "README.md").write_text(readme)
