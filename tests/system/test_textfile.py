"""Reading a file a person wrote: what goes wrong is said in Japanese, with the line."""

from __future__ import annotations

import pytest

from inspect_tui.system.textfile import TextFileError, read_text


def test_a_byte_order_mark_from_notepad_is_dropped(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes("\ufeffretention_months = 3\n".encode())
    assert read_text(path) == "retention_months = 3\n"


def test_shift_jis_names_the_line_of_the_first_bad_byte(tmp_path):
    path = tmp_path / "config.toml"
    path.write_bytes("# ok\nwards = []\nname = '長田区'\n".encode("cp932"))
    with pytest.raises(TextFileError) as e:
        read_text(path)
    assert e.value.line == 3
    assert str(e.value).startswith(f"{path}:3: UTF-8 で保存してください")
    assert "Shift_JIS" in str(e.value)


@pytest.mark.parametrize(
    ("make", "reason", "missing"),
    [
        (lambda p: None, "ファイルがありません", True),
        (lambda p: p.mkdir(), "フォルダです", False),
    ],
    ids=["missing", "folder"],
)
def test_a_missing_file_or_a_folder_is_said_so(tmp_path, make, reason, missing):
    path = tmp_path / "kpi.toml"
    make(path)
    with pytest.raises(TextFileError) as e:
        read_text(path)
    assert reason in e.value.reason and e.value.missing is missing
    assert str(e.value).startswith(str(path))


def test_a_nul_in_the_path_is_said_in_japanese_not_a_traceback(tmp_path):
    with pytest.raises(TextFileError, match="NUL"):
        read_text(tmp_path / "a\0b.toml")
