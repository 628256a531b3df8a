"""mockzenoti.toml: finding the file, reading renames, naming the file and key at fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockzenoti.catalog.config import ENV_VAR, Settings, find_config, load_settings
from mockzenoti.errors import ConfigError


def write(tmp_path: Path, text: str, name: str = "mockzenoti.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_defaults(tmp_path: Path) -> None:
    settings = load_settings(environ={}, cwd=tmp_path)
    assert settings == Settings()
    assert settings.catalog.get("Appointment.Started").event_type == "Appointment.Started"


def test_lookup_order_is_option_then_environment_then_working_directory(tmp_path: Path) -> None:
    local = write(tmp_path, "")
    env_file = write(tmp_path, "", "env.toml")
    explicit = write(tmp_path, "", "explicit.toml")
    assert find_config(explicit, environ={ENV_VAR: str(env_file)}, cwd=tmp_path) == explicit
    assert find_config(None, environ={ENV_VAR: str(env_file)}, cwd=tmp_path) == env_file
    assert find_config(None, environ={}, cwd=tmp_path) == local


def test_renames_and_resources_reach_the_catalog(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[event_types]\n"
        '"Appointment.Started" = "Appointment.Start"\n'
        'Guest.Package.Creation = "GuestPackage.Created"\n'  # bare dotted key
        "[event_resources]\n"
        '"Class.Booking.Approved" = "null"\n'
        '"Guest.Membership.Freeze" = "Membership"\n',
    )
    settings = load_settings(path)
    assert settings.path == path
    assert dict(settings.event_types) == {
        "Appointment.Started": "Appointment.Start",
        "Guest.Package.Creation": "GuestPackage.Created",
    }
    catalog = settings.load_catalog()
    assert catalog.get("Appointment.Started").event_type == "Appointment.Start"
    assert catalog.get("GuestPackage.Created").name == "Guest.Package.Creation"
    assert catalog.get("Class.Booking.Approved").event_resource is None
    assert catalog.get("Guest.Membership.Freeze").event_resource == "Membership"
    with pytest.raises(TypeError):
        settings.event_types["x"] = "y"  # type: ignore[index]


AS = "Appointment.Started"


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ('[event_types]\n"Guest.Created" = "New"', "event_types.Guest.Created", "documented"),
        (f'[event_types]\n"{AS}d" = "X"', f"event_types.{AS}d", AS),
        (f'[event_types]\n"{AS}" = ""', f"event_types.{AS}", "non-empty"),
        (f'[event_resources]\n"{AS}" = 5', f"event_resources.{AS}", "null"),
        (
            '[event_resources]\n"Invoice.Closed" = "B"',
            "event_resources.Invoice.Closed",
            "documented",
        ),
        (f'[event_type]\n"{AS}" = "X"', "event_type", "event_types"),
        ('event_types = "x"', "event_types", "table"),
        ("[event_types", "--config", "TOML"),
    ],
)
def test_mistakes_name_the_file_and_the_key(
    tmp_path: Path, text: str, field: str, words: str
) -> None:
    path = write(tmp_path, text + "\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert info.value.field == field
    assert str(path) in info.value.message
    assert words in info.value.message


def test_an_explicit_file_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path / "nope.toml")
    assert info.value.field == "--config"
    assert "nope.toml" in info.value.message
