"""Every SRV rule, listed explicitly by area: (rule metadata, check) pairs for the rules registry."""
from __future__ import annotations

from . import config_data, cronjob, ingress, metadata, pods, services, workloads
from .runner import Runner

AREAS = [metadata, pods, workloads, cronjob, services, config_data, ingress]

_RUNNER = Runner(AREAS)

SRV_RULES: list = [(meta, _RUNNER.check_for(area, meta.id)) for area in AREAS for meta in area.RULES]
