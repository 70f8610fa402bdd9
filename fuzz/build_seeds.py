#!/usr/bin/env python3
"""Builds each fuzz target's seed corpus from the vendored fixtures, at run time.

    fuzz/build_seeds.py FIXTURES_DIR OUT_DIR

Writes OUT_DIR/<target>/<name> files. Nothing here is committed: the fixtures are read,
reduced (the 354 KB health report is cut into small reports in the same shape, since
libFuzzer mutates small inputs far faster) and combined the way each target splits its input.
Standard library only.
"""

import json
import sys
from pathlib import Path


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def pretty(value):
    return json.dumps(value, indent=2, ensure_ascii=False).encode()


class Corpus:
    def __init__(self, out: Path):
        self.out = out

    def add(self, target: str, name: str, data: bytes):
        d = self.out / target
        d.mkdir(parents=True, exist_ok=True)
        (d / name).write_bytes(data)


def trim_strings(value, limit):
    """Shortens every string (map keys kept) so reduced reports stay small."""
    if isinstance(value, str):
        return value[:limit]
    if isinstance(value, list):
        return [trim_strings(v, limit) for v in value]
    if isinstance(value, dict):
        return {k: trim_strings(v, limit) for k, v in value.items()}
    return value


def reduce_node(node, keep_output_keys):
    node = dict(node)
    output = node.get("Output")
    if isinstance(output, dict):
        node["Output"] = {k: v[:40] for k, v in output.items() if k in keep_output_keys}
    units = node.get("Units")
    if isinstance(units, list):
        node["Units"] = [trim_strings(u, 40) for u in units[:2]]
    return node


def health_seeds(fx: Path, c: Corpus):
    diag = fx / "small-cluster" / "dcos-diagnostics"
    report = json.loads((diag / "system-health-v1-report.json").read_bytes())
    units = report.get("Units", {})
    nodes = report.get("Nodes", {})
    # The whole cluster, every unit, at most two nodes per unit, short outputs.
    small = {"Units": {}, "Nodes": {}}
    for name, unit in units.items():
        unit = dict(unit)
        unit["Nodes"] = [reduce_node(n, {name}) for n in unit.get("Nodes", [])[:2]]
        small["Units"][name] = trim_strings(unit, 60)
    for ip, node in nodes.items():
        small["Nodes"][ip] = reduce_node(node, set())
    small["UpdatedTime"] = report.get("UpdatedTime")
    c.add("health_report", "reduced-all-units.json", compact(small))
    first_unit = None
    # One report per interesting unit (unhealthy nodes, outputs), pretty and compact.
    picked = 0
    for name, unit in units.items():
        nodes_of = unit.get("Nodes", [])
        interesting = any(
            n.get("Health") or (n.get("Output") or {}).get(name) for n in nodes_of
        )
        if not interesting and picked % 8:
            picked += 1
            continue
        picked += 1
        unit = dict(unit)
        unit["Nodes"] = [reduce_node(n, {name}) for n in nodes_of]
        doc = {"Units": {name: trim_strings(unit, 80)}, "Nodes": {}}
        for n in nodes_of[:1]:
            ip = n.get("IP")
            if ip in nodes:
                doc["Nodes"][ip] = reduce_node(nodes[ip], set())
        safe = name.replace("/", "_")
        c.add("health_report", f"unit-{safe}.json", compact(doc))
        if first_unit is None and interesting:
            first_unit = compact(doc)
        if picked < 6:
            c.add("health_report", f"unit-{safe}.pretty.json", pretty(doc))
    # The other dcos-diagnostics documents: other shapes (type errors, partial matches).
    for p in sorted(diag.rglob("*.json")):
        if p.name == "system-health-v1-report.json":
            continue
        data = p.read_bytes()
        if len(data) <= 16384:
            c.add("health_report", f"diag-{p.name}", data)
    tiny = [b"null", b"{}", b'{"Units":null,"Nodes":null}', b'{"units":{"a.service":{}}}']
    for i, doc in enumerate(tiny):
        c.add("health_report", f"tiny-{i}.json", doc)
    return first_unit or compact(small)


def package_seeds(fx: Path, c: Corpus):
    cosmos = fx / "small-cluster" / "cosmos"
    raw = (cosmos / "package-list.response.json").read_bytes()
    c.add("package_list", "response.json", raw)
    doc = json.loads(raw)
    c.add("package_list", "response.compact.json", compact(doc))
    packages = doc.get("packages") or []
    for i, p in enumerate(packages[:3]):
        c.add("package_list", f"one-{i}.json", compact({"packages": [p]}))
    c.add("package_list", "request.json", (cosmos / "package-list.request.json").read_bytes())
    for name, d in [("null-packages", {"packages": None}), ("empty", {"packages": []}),
                    ("appid-only", {"packages": [{"appId": "/a"}, {"AppID": "/b"}]})]:
        c.add("package_list", f"{name}.json", compact(d))
    return compact(doc)


def mesos_seeds(fx: Path, c: Corpus):
    mesos = fx / "small-cluster" / "mesos"
    frameworks = (mesos / "frameworks.json").read_bytes()
    snapshot = (mesos / "metrics-snapshot.json").read_bytes()
    fw_c = compact(json.loads(frameworks))
    sn_c = compact(json.loads(snapshot))
    c.add("mesos", "frameworks+snapshot", frameworks + b"\0" + snapshot)
    c.add("mesos", "compact", fw_c + b"\0" + sn_c)
    c.add("mesos", "snapshot+frameworks", sn_c + b"\0" + fw_c)
    c.add("mesos", "frameworks-only", fw_c)
    c.add("mesos", "snapshot-only", sn_c)
    c.add("mesos", "null-then-snapshot", b"null\0" + sn_c)
    c.add("mesos", "frameworks-null", b'{"frameworks":null}\0{"frameworks":[{"name":"x"},{}]}')
    return fw_c, sn_c


def segment_seeds(fx: Path, c: Corpus, health: bytes, packages: bytes, mesos):
    fw, sn = mesos
    docs = health + b"\0" + packages + b"\0" + fw + b"\0" + sn
    c.add("segment_body", "documents", b"\x02" + docs)
    c.add("segment_body", "documents-no-mesos", b"\x02" + health + b"\0" + packages)
    c.add("segment_body", "documents-only-mesos", b"\x02\0\0" + fw + b"\0" + sn)
    # Structured modes read the bytes through `arbitrary`; real text gives them real strings.
    signal = fx / "small-cluster" / "dcos-signal"
    for i, p in enumerate(sorted(signal.glob("segment-v1-batch.*.json"))):
        data = p.read_bytes()[:4096]
        c.add("segment_body", f"track-{i}", b"\x00" + data)
        c.add("segment_body", f"payload-{i}", b"\x01" + data)


def config_yaml_seeds(fx: Path, c: Corpus):
    for p in sorted((fx / "config-yaml").rglob("*.yaml")):
        c.add("config_yaml", p.name, p.read_bytes())


def dcos_toml_seeds(fx: Path, c: Corpus):
    meta = json.loads((fx / "small-cluster" / "metadata.json").read_bytes())
    cluster_id = (fx / "small-cluster" / "master-files" / "var" / "lib" / "dcos" /
                  "cluster-id").read_text().strip()
    name = meta.get("CLUSTER", meta.get("cluster", "small-cluster")) if isinstance(meta, dict) else "small-cluster"
    if not isinstance(name, str):
        name = "small-cluster"
    base = (
        '[core]\ndcos_url = "https://10.0.1.10/"\ndcos_acs_token = "eyJhbGciOiJSUzI1NiJ9.e30.sig"\n'
        'ssl_verify = "false"\ntimeout = 180\n\n[cluster]\nname = "%s"\n' % name
    )
    seeds = {
        "setup-https": base,
        "setup-http": '[cluster]\nname = "%s"\n[core]\ndcos_acs_token = "t"\ndcos_url = "http://10.0.1.10"\ntimeout = 180\n' % name,
        "telemetry": base + '\n[telemetry]\nopt_out = "true"\nendpoint = "https://api.segment.io"\n'
                     'platform = "onprem"\nprovider = "onprem"\nsignal_config = "/opt/mesosphere/etc/dcos-signal-config.json"\n',
        "typed": '[core]\ndcos_url = "https://x/"\nssl_verify = true\ntimeout = "0"\n[telemetry]\nOPT_OUT = true\nlicense_id = 7\nx = [1, "a"]\n',
        "ca-path": '[core]\ndcos_url = "https://x"\nssl_verify = "/etc/ssl/dcos_ca.crt"\ntimeout = -1\n',
        "empty": "",
        "no-url": '[cluster]\nname = "%s"\n' % cluster_id,
        "with-env": base + "\0DCOS_CLUSTER=%s\nDCOS_SSL_VERIFY=True\nDCOS_TIMEOUT=5\nDCOS_TELEMETRY_OPT_OUT=maybe\nattached\n" % name,
        "plugin-env": base + "\0DCOS_URL=https://10.0.1.10/\nDCOS_ACS_TOKEN=tok\nDCOS_TLS_INSECURE=1\n+second\n",
        "options": base + "\0--cluster=%s\n--timeout=0\n+second\nattached\n" % cluster_id,
    }
    for k, v in seeds.items():
        c.add("dcos_toml", k + ".toml", v.encode())


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    fx, out = Path(sys.argv[1]), Path(sys.argv[2])
    c = Corpus(out)
    health = health_seeds(fx, c)
    packages = package_seeds(fx, c)
    mesos = mesos_seeds(fx, c)
    segment_seeds(fx, c, health, packages, mesos)
    config_yaml_seeds(fx, c)
    dcos_toml_seeds(fx, c)
    for d in sorted(out.iterdir()):
        files = list(d.iterdir())
        size = sum(f.stat().st_size for f in files)
        print(f"seeds: {d.name}: {len(files)} files, {size} bytes")


if __name__ == "__main__":
    main()
