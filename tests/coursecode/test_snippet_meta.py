from pathlib import Path

import pytest

from coursecode.snippet_meta import SnippetHeaderError, SnippetMeta, read_meta


def test_header_lines_are_read(tmp_path: Path) -> None:
    path = tmp_path / "s.py"
    path.write_text(
        "# test: databases, output=per-database\n# test: timeout=120\ndef measure(size): ...\n"
    )
    assert read_meta(path) == SnippetMeta(True, True, 120.0, True)


def test_defaults_and_unknown_settings(tmp_path: Path) -> None:
    path = tmp_path / "s.py"
    path.write_text("print(1)\n")
    assert read_meta(path) == SnippetMeta()
    path.write_text("# test: databse\n")
    with pytest.raises(SnippetHeaderError, match="unknown '# test:' setting 'databse'"):
        read_meta(path)


def test_version_dependent_snippets(tmp_path: Path) -> None:
    path = tmp_path / "s.py"
    path.write_text("# test: pythons\n")
    assert read_meta(path) == SnippetMeta(pythons=True)
    path.write_text("# test: output=per-python\n")
    assert read_meta(path) == SnippetMeta(pythons=True, per_python_output=True)
    path.write_text("# test: redis\n")
    assert read_meta(path) == SnippetMeta(redis=True)
    path.write_text("# test: databases, output=per-database, output=per-python\n")
    with pytest.raises(SnippetHeaderError, match="per database or per Python, not both"):
        read_meta(path)
