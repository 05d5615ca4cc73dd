"""Settings: defaults < TOML file < SCAMSCOPE_* environment < command-line flags."""
from __future__ import annotations

from pathlib import Path

import pytest

from scamscope.config import ConfigError, Settings, load_settings, setting_fields
from scamscope.errors import UserError

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_has_a_help_line_and_is_documented_in_readme():
    readme = README.read_text(encoding="utf-8")
    for f in setting_fields():
        assert f.metadata["help"].strip(), f.name
        assert f"`{f.name}`" in readme, f"README.md does not document setting {f.name}"


def test_layers_override_in_order(tmp_path: Path):
    cfg = tmp_path / "s.toml"
    cfg.write_text('download_delay = 2.5\nconcurrent_per_domain = 1\nweb_port = 9001\n')
    env = {"SCAMSCOPE_WEB_PORT": "9002", "SCAMSCOPE_OBEY_ROBOTS": "false"}
    settings = load_settings(cfg, env=env, overrides={"web_port": 9003, "index": None})
    assert settings.download_delay == 2.5 and settings.origins["download_delay"] == str(cfg)
    assert settings.obey_robots is False and settings.origins["obey_robots"] == "SCAMSCOPE_OBEY_ROBOTS"
    assert settings.web_port == 9003 and settings.origins["web_port"] == "command line"
    assert settings.concurrent_per_domain == 1
    assert settings.index == Settings().index  # None override leaves the lower layer alone


def test_config_file_named_by_environment(tmp_path: Path):
    cfg = tmp_path / "s.toml"
    cfg.write_text('mail_from = "alerts@example.org"\n')
    settings = load_settings(None, env={"SCAMSCOPE_CONFIG": str(cfg)})
    assert settings.mail_from == "alerts@example.org"


@pytest.mark.parametrize("content, message", [
    ("download_delay = 'slow'", "download_delay must be float"),
    ("no_such_setting = 1", "unknown setting 'no_such_setting'"),
    ("smtp_password = 'hunter2'", "is a secret"),
    ("log_level = 'LOUD'", "log_level must be one of"),
    ("this is not toml", "not valid TOML"),
    ("schedule_minute_seconds = 0", "schedule_minute_seconds must be more than 0"),
])
def test_bad_config_is_one_clear_error(tmp_path: Path, content: str, message: str):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(content)
    with pytest.raises(ConfigError, match=message) as raised:
        load_settings(cfg, env={})
    # a UserError like any other: one line and exit 2 at the CLI, no special case
    assert isinstance(raised.value, UserError) and raised.value.exit_code == 2


def test_secrets_come_from_the_environment():
    settings = load_settings(None, env={"SCAMSCOPE_SMTP_PASSWORD": "s3cret"})
    assert settings.smtp_password == "s3cret"


def test_default_index_lives_in_the_data_dir(tmp_path: Path):
    settings = load_settings(None, env={}, overrides={"data_dir": str(tmp_path)})
    assert settings.index_url == f"tantivy://{tmp_path.resolve()}/index.tantivy"


def test_a_data_dir_with_an_sqlite_index_keeps_it_until_reindexed(tmp_path: Path):
    (tmp_path / "index.db").write_bytes(b"")
    settings = load_settings(None, env={}, overrides={"data_dir": str(tmp_path)})
    assert settings.index_url == f"sqlite://{tmp_path.resolve()}/index.db"
    (tmp_path / "index.tantivy").mkdir()  # `scamscope reindex --to tantivy://...` made it
    assert settings.index_url == f"tantivy://{tmp_path.resolve()}/index.tantivy"


def test_cli_config_prints_effective_settings(cli, tmp_path: Path):
    cfg = tmp_path / "s.toml"
    cfg.write_text("download_delay = 3.0\n")
    result = cli("--config", str(cfg), "config", "--json", env={"SCAMSCOPE_WEB_PORT": "8123"})
    assert result.code == 0, result.err
    data = result.json()
    assert data["download_delay"] == 3.0 and data["web_port"] == 8123
    assert data["data_dir"] == str(cli.data_dir)


def test_cli_unreadable_config_is_usage_error(cli, tmp_path: Path):
    result = cli("--config", str(tmp_path / "missing.toml"), "config")
    assert result.code == 2
    assert result.err.strip().count("\n") == 0 and "does not exist" in result.err


def test_cli_unknown_option_is_one_line_exit_2(cli):
    result = cli("search", "--no-such-flag")
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1 and "unrecognized arguments" in result.err


def test_cli_bad_index_url_is_one_line_exit_2(cli):
    result = cli("--index", "ftp://example.org/x", "search", "scam")
    assert result.code == 2
    assert len(result.err.strip().splitlines()) == 1 and "--index" in result.err
