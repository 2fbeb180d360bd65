"""Every SRV rule, listed explicitly by area: (rule metadata, check) pairs for the rules registry."""
from __future__ import annotations

from . import (admission_webhooks, autoscaling, config_data, cronjob, endpoints, env_sources, ingress, ingress_class,
               job_failure_policy, metadata, network_policy, placement, pod_annotations, pod_dns, pod_resources, pods,
               profile_annotations, rbac, resource_claims, runtime_class, scheduling, security_context, services,
               storage, volume_devices, volume_sources, windows, workloads)
from .runner import Runner

AREAS = [metadata, pods, volume_sources, volume_devices, env_sources, pod_dns, placement, security_context,
         profile_annotations, pod_annotations, windows, pod_resources, resource_claims, workloads, job_failure_policy,
         cronjob, services, config_data, ingress, ingress_class, autoscaling, rbac, admission_webhooks, storage,
         scheduling, network_policy, runtime_class, endpoints]

_RUNNER = Runner(AREAS)

SRV_RULES: list = [(meta, _RUNNER.check_for(meta)) for area in AREAS for meta in area.RULES]
