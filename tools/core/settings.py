"""Every Stockwise setting, read once from `STOCKWISE_*` environment variables and `.env`.

No other module reads `os.environ`: components receive a `Settings` (or the values they
need) from their caller, which is what lets tests point everything at a temporary folder.
"""

from __future__ import annotations

import getpass
from functools import lru_cache
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="STOCKWISE_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # --- data ---------------------------------------------------------------------------
    dataset: str | None = Field(
        default=None,
        description="A dataset folder or a SQLAlchemy URL. Unset: the embedded demo plant.",
    )
    data_dir: Path = Field(
        default_factory=lambda: Path(user_data_dir("stockwise", appauthor=False)),
        description="Where Stockwise keeps the demo dataset, indexes, memory and logs.",
    )
    lenient: bool = Field(
        default=False,
        description="Load the valid rows of a dataset and set the rejected ones aside (with "
        "their reasons, in data_dir/rejects) instead of refusing the whole dataset.",
    )
    demo_scale: float = Field(default=1.0, description="Scale of the generated demo plant.")
    demo_seed: int = Field(default=42, description="Seed of the generated demo plant.")

    executor: str = Field(
        default="local",
        description="Where batch work (forecast every MRO item, classify every item, plan "
        "every reorder point) runs: `local` (this process), `dask://host:port` (a Dask "
        "scheduler) or `dask-local:N` (N Dask worker processes on this machine).",
    )

    # --- who the command line acts as ------------------------------------------------------
    local_user: str = Field(
        default_factory=lambda: getpass.getuser() or "local",
        description="The name the CLI approves and rejects actions under (audit log, files).",
    )
    local_role: str = Field(
        default="manager",
        description="The CLI user's role: viewer, manager, auditor or admin. Only managers "
        "and admins may approve or reject actions.",
    )

    # --- model --------------------------------------------------------------------------
    llm_base_url: str | None = Field(
        default=None, description="OpenAI-compatible endpoint. Unset: the offline planner."
    )
    llm_model: str = "gpt-4o-mini"
    llm_api_key: str | None = None
    llm_timeout_s: float = 30.0
    llm_max_retries: int = 2

    # --- stores -------------------------------------------------------------------------
    state_url: str | None = Field(
        default=None,
        description="postgresql:// URL for the state several `stockwise serve` replicas "
        "share: conversation memory, thread owners, the audit log (entries and head), turn "
        "locks and approved requisitions. Unset: SQLite and files in data_dir.",
    )
    checkpoint_url: str | None = Field(
        default=None,
        description="postgresql:// URL for conversation memory. Unset: SQLite in data_dir.",
    )
    chroma_url: str | None = Field(
        default=None, description="http://host:port of a Chroma server. Unset: embedded."
    )

    # --- conversation memory -------------------------------------------------------------
    memory_turns_kept: int = Field(
        default=20,
        ge=0,
        description="Turns a conversation remembers; older ones are forgotten. 0: every "
        "turn and every checkpoint, unbounded (as before memory was bounded).",
    )
    memory_whole_turns: int = Field(
        default=2,
        ge=1,
        description="Of the turns remembered, the latest this many keep their tool calls and "
        "results; older ones keep their question and answer (the answer's figures as text).",
    )
    memory_max_age_days: float = Field(
        default=0,
        ge=0,
        description="Conversations idle for longer are deleted (checked when memory opens, "
        "then hourly). 0: no age limit.",
    )

    # --- replenishment ------------------------------------------------------------------
    service_level_a: float = 0.99
    service_level_b: float = 0.95
    service_level_c: float = 0.90
    service_measure: str = Field(
        default="fill_rate", description="How targets are read: `fill_rate` or `cycle`."
    )
    order_cost: float = Field(default=50.0, description="Cost of placing one purchase order.")
    order_qty_rule: str = Field(
        default="eoq",
        description="Order quantity: `eoq`, `current` (the ERP's reorder_qty where set) or "
        "`smaller` (the smaller of the two).",
    )
    holding_rate: float = Field(default=0.25, description="Yearly holding cost / unit cost.")
    replenish_history_days: int = Field(
        default=365, description="Days of demand history a reorder point is computed from."
    )

    # --- classification and anomalies ---------------------------------------------------
    classify_min_confidence: float = Field(
        default=0.8,
        description="A recorded category is suspect when a prediction this sure says otherwise.",
    )
    variance_threshold_pct: float = Field(
        default=0.0,
        description="Flag on hand vs book differences above this share (0: any unit or more).",
    )
    dead_stock_days: int = Field(
        default=365, description="Stock not issued for this many days is dead stock."
    )

    # --- service (stockwise serve) -------------------------------------------------------
    api_keys_file: Path | None = Field(
        default=None,
        description="JSON file of hashed API keys with their user and role. Unset: no key "
        "is asked, every caller is an `anonymous` viewer, and `serve` listens on the "
        "loopback address only.",
    )
    rate_limit_per_minute: int = Field(default=120, description="Requests per key per minute.")
    turn_workers: int = Field(
        default=0,
        ge=0,
        description="Agent turns that run at once (the rest queue). 0: the CPU count with "
        "the offline planner, 16 with a model server.",
    )
    audit_key: SecretStr | None = Field(
        default=None,
        description="The audit log's MAC key (32 characters or more). Unset: read from "
        "`audit_key_file`.",
    )
    audit_key_file: Path | None = Field(
        default=None,
        description="File holding the audit log's MAC key, never in the log's folder. Unset: "
        "data_dir/keys/audit-mac.key, generated (mode 0600) on the service's first start.",
    )
    audit_checkpoint_url: str | None = Field(
        default=None,
        description="postgresql:// URL where the audit log's head (count, last MAC) is "
        "checkpointed. Unset: the service's SQLite database in data_dir.",
    )
    slack_signing_secret: str | None = Field(
        default=None, description="Slack app signing secret. Unset: no /slack/events."
    )
    slack_bot_token: str | None = None
    slack_api_url: str = Field(
        default="https://slack.com/api/", description="Slack Web API base (tests: a fake)."
    )
    slack_roles: dict[str, str] = Field(
        default_factory=dict,
        description='Slack user id -> role, as JSON: {"U123": "manager"}. Others: viewer.',
    )
    teams_app_id: str | None = Field(
        default=None, description="Microsoft app (client) id of the bot. Unset: no Teams."
    )
    teams_tenant_id: str | None = None
    teams_client_secret: str | None = Field(
        default=None, description="The bot's client secret, for the replies it sends."
    )
    teams_jwks_url: str = Field(
        default="https://login.botframework.com/v1/.well-known/keys",
        description="Keys that sign incoming Teams activities (tests: a local JWKS).",
    )
    teams_issuers: list[str] = Field(
        default_factory=lambda: ["https://api.botframework.com"],
        description="Accepted `iss` of incoming Teams activities.",
    )
    teams_roles: dict[str, str] = Field(
        default_factory=dict,
        description="Teams user (AAD object id) -> role, as JSON. Others: viewer.",
    )
    alerts_on_start: bool = Field(
        default=True,
        description="Re-plan every bought item when the service starts (alert state is "
        "kept in data_dir/alerts.sqlite either way; events re-plan what they move).",
    )
    alert_rate_per_hour: int = Field(
        default=30,
        description="Alert messages one subscription receives per hour at most; the rest "
        "wait for its daily digest (no alert storm, nothing lost).",
    )
    alert_retries: int = Field(default=4, description="Delivery retries before dead-letter.")
    alert_backoff_s: float = Field(
        default=1.0, description="First retry wait; doubled each retry (1, 2, 4, 8 s)."
    )

    @model_validator(mode="after")
    def _shared_state(self) -> Settings:
        # One setting moves every shared store; a URL set on its own still wins.
        if self.state_url:
            self.checkpoint_url = self.checkpoint_url or self.state_url
            self.audit_checkpoint_url = self.audit_checkpoint_url or self.state_url
        return self

    @property
    def demo_dir(self) -> Path:
        scale = f"{self.demo_scale:g}".replace(".", "_")
        return self.data_dir / f"demo-scale{scale}-seed{self.demo_seed}"

    @property
    def checkpoint_path(self) -> Path:
        return self.data_dir / "memory.sqlite"

    @property
    def audit_path(self) -> Path:
        return self.data_dir / "audit" / "audit.jsonl"

    @property
    def audit_key_path(self) -> Path:
        return self.audit_key_file or self.data_dir / "keys" / "audit-mac.key"

    @property
    def service_db_path(self) -> Path:
        return self.data_dir / "service.sqlite"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings. Tests call `get_settings.cache_clear()` after setenv."""
    return Settings()
