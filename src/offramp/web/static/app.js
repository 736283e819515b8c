// The offramp dashboard: everything shown comes from the server's JSON API (see /docs).
"use strict";

const state = {
  scenarios: [], limits: null, registry: null, parameters: [], job: null, timer: null,
};
const $ = (id) => document.getElementById(id);

// The registry of outcomes (GET /api/outcomes): the summary table's columns come from it,
// the same as the HTML report's and `offramp run`'s.
async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new Error(describeError(response.status, body));
  }
  return body;
}

function describeError(status, body) {
  const detail = body && body.detail;
  if (Array.isArray(detail)) {
    return detail.map((d) => `${(d.loc || []).slice(1).join(".")}: ${d.msg}`).join("; ");
  }
  return `${status}: ${detail || "request failed"}`;
}

function setStatus(text, isError) {
  $("status").textContent = text;
  $("status").classList.toggle("error", Boolean(isError));
}

function formatNumber(value, scale, digits) {
  return value === null || value === undefined ? "n/a" : (scale * value).toFixed(digits);
}

function currentScenario() {
  return state.scenarios.find((s) => s.name === $("scenario").value);
}

async function init() {
  try {
    [state.scenarios, state.limits, state.registry] = await Promise.all([
      api("/api/scenarios"), api("/api/limits"), api("/api/outcomes"),
    ]);
  } catch (error) {
    setStatus(`Cannot reach the server: ${error.message}`, true);
    return;
  }
  for (const scenario of state.scenarios) {
    $("scenario").add(new Option(`${scenario.name}: ${scenario.title}`, scenario.name));
  }
  $("runs").max = state.limits.max_runs;
  $("horizon").max = state.limits.max_horizon;
  $("runs-limit").textContent = `(at most ${state.limits.max_runs})`;
  $("horizon-limit").textContent = `(at most ${state.limits.max_horizon})`;
  $("scenario").addEventListener("change", scenarioChanged);
  $("assumptions").addEventListener("change", loadParameters);
  $("reset").addEventListener("click", loadParameters);
  $("run").addEventListener("click", run);
  await scenarioChanged();
}

async function scenarioChanged() {
  const scenario = currentScenario();
  $("scenario-description").textContent = scenario.description;
  $("assumptions").replaceChildren(...scenario.assumption_sets.map((n) => new Option(n, n)));
  $("policies").replaceChildren(
    ...scenario.policies.map((policy) => {
      const label = document.createElement("label");
      label.className = "policy";
      label.title = policy.description;
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = true;
      box.value = policy.name;
      box.name = "policy";
      label.append(box, ` ${policy.name} `);
      const kind = document.createElement("span");
      kind.className = "hint";
      kind.textContent = `(${policy.kind})`;
      label.append(kind);
      return label;
    }),
  );
  $("horizon").value = Math.min(scenario.horizon_months, state.limits.max_horizon);
  $("seed").value = scenario.seed;
  await loadParameters();
}

async function loadParameters() {
  const scenario = currentScenario();
  const assumptions = encodeURIComponent($("assumptions").value);
  try {
    state.parameters = await api(
      `/api/scenarios/${encodeURIComponent(scenario.name)}/parameters?assumptions=${assumptions}`,
    );
  } catch (error) {
    setStatus(error.message, true);
    return;
  }
  $("key-parameters").replaceChildren(...state.parameters.filter((p) => p.key).map(sliderRow));
  $("other-parameters").replaceChildren(...state.parameters.filter((p) => !p.key).map(sliderRow));
}

function sliderRow(parameter) {
  const row = document.createElement("div");
  row.className = "parameter";
  row.title = parameter.description;
  const name = document.createElement("div");
  name.className = "name";
  const label = document.createElement("label");
  label.htmlFor = `p-${parameter.path}`;
  label.textContent = parameter.path;
  const output = document.createElement("output");
  output.textContent = `${parameter.value}`;
  name.append(label, output);
  const input = document.createElement("input");
  input.type = "range";
  input.id = `p-${parameter.path}`;
  input.dataset.path = parameter.path;
  input.min = parameter.slider_min;
  input.max = parameter.slider_max;
  input.step = parameter.step;
  input.value = parameter.value;
  // The browser snaps the value to the slider's grid; only a user's move is an override.
  input.dataset.initial = input.value;
  input.addEventListener("input", () => {
    output.textContent = input.value;
    row.classList.toggle("changed", input.value !== input.dataset.initial);
  });
  const meta = document.createElement("div");
  meta.className = "meta";
  const open = parameter.open_range ? " (slider to 3× the value)" : "";
  meta.textContent =
    `range ${parameter.range}${open} · unit: ${parameter.unit || "none"} · source: ${parameter.source}`;
  row.append(name, input, meta);
  return row;
}

function overrides() {
  const changed = {};
  for (const input of document.querySelectorAll("input[type=range][data-path]")) {
    if (input.value !== input.dataset.initial) {
      changed[input.dataset.path] = Number(input.value);
    }
  }
  return changed;
}

async function run() {
  const policies = [...document.querySelectorAll("input[name=policy]:checked")].map((b) => b.value);
  if (policies.length === 0) {
    setStatus("Choose at least one policy.", true);
    return;
  }
  const body = {
    scenario: $("scenario").value,
    assumptions: $("assumptions").value,
    policies,
    runs: Number($("runs").value),
    horizon: Number($("horizon").value),
    seed: Number($("seed").value),
    overrides: overrides(),
  };
  $("run").disabled = true;
  $("progress").value = 0;
  setStatus("Starting…");
  try {
    const { job_id } = await api("/api/jobs", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    state.job = job_id;
    poll();
  } catch (error) {
    setStatus(error.message, true);
    $("run").disabled = false;
  }
}

async function poll() {
  let job;
  try {
    job = await api(`/api/jobs/${state.job}`);
  } catch (error) {
    setStatus(error.message, true);
    $("run").disabled = false;
    return;
  }
  $("progress").value = job.progress;
  if (job.status === "queued" || job.status === "running") {
    setStatus(`${job.status}: ${job.policies_done.length} of ${job.policies_total} policies done`);
    state.timer = setTimeout(poll, 400);
    return;
  }
  $("run").disabled = false;
  if (job.status === "failed") {
    setStatus(`The run failed: ${job.error}`, true);
    return;
  }
  await show(job);
}

async function show(job) {
  const charts = await api(`/api/jobs/${job.job_id}/charts`);
  renderSummary(job);
  $("download-csv").href = `/api/jobs/${job.job_id}/outcomes.csv`;
  $("download-parquet").href = `/api/jobs/${job.job_id}/outcomes.parquet`;
  $("download-report").href = `/api/jobs/${job.job_id}/report.html`;
  $("results").hidden = false;
  $("empty").hidden = true;
  drawCharts(job, charts);
  const request = job.request;
  setStatus(`Done in ${job.elapsed_seconds.toFixed(1)} s: ${request.runs} runs × ` +
    `${request.policies.length} policies, ${request.horizon} months.`);
  document.body.dataset.job = job.job_id;
}

function statistic(row, path) {
  return path.split(".").reduce((value, key) => (value === null ? null : value[key]), row);
}

// One cell as the registry's column says (the same rules as SummaryColumn.cell in Python).
function cellText(column, row) {
  const value = row[column.key];
  if (column.statistic === "share") {
    const missing = value === null || value === undefined;
    return missing ? "n/a" : `${formatNumber(value, column.scale, column.digits)}%`;
  }
  if (!value || value.median === null || value.median === undefined) {
    return "n/a";
  }
  let text = formatNumber(value.median, column.scale, column.digits);
  if (column.statistic === "interval" && value.p05 !== null && value.p05 !== undefined) {
    const low = formatNumber(value.p05, column.scale, column.digits);
    const high = formatNumber(value.p95, column.scale, column.digits);
    text += ` [${low}, ${high}]`;
  }
  return text;
}

function renderSummary(job) {
  const columns = state.registry.summary_columns;
  const table = $("summary");
  const head = document.createElement("tr");
  for (const heading of ["policy", ...columns.map((c) => c.title)]) {
    const th = document.createElement("th");
    th.textContent = heading;
    head.append(th);
  }
  const rows = Object.entries(job.summary).map(([policy, row]) => {
    const tr = document.createElement("tr");
    const name = document.createElement("td");
    name.textContent = policy;
    tr.append(name);
    for (const column of columns) {
      const cell = document.createElement("td");
      cell.className = "num";
      cell.dataset.policy = policy;
      const path = column.statistic === "share" ? column.key : `${column.key}.median`;
      cell.dataset.statistic = path;
      cell.dataset.value = JSON.stringify(statistic(row, path));
      cell.textContent = cellText(column, row);
      tr.append(cell);
    }
    return tr;
  });
  table.replaceChildren(head, ...rows);
  const m = job.manifest;
  $("summary-caption").textContent =
    `${m.runs} runs per policy, ${m.horizon_months} months from ${m.start}, seed ${m.seed}, ` +
    `assumption set '${m.assumptions}', overrides: ${JSON.stringify(m.overrides)}. ` +
    "War resumed: among runs whose deal took effect.";
}

const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

function drawCharts(job, charts) {
  const names = Object.keys(charts.policies);
  const layout = (title, xTitle, yTitle) => ({
    title: { text: title, font: { size: 14 } },
    margin: { t: 40, r: 10, b: 50, l: 60 },
    xaxis: { title: { text: xTitle } },
    yaxis: { title: { text: yTitle } },
    legend: { orientation: "h", y: -0.25 },
  });
  const config = { displaylogo: false, responsive: true };

  const fan = [];
  names.forEach((name, i) => {
    const bands = charts.policies[name].territory_bands;
    const color = PALETTE[i % PALETTE.length];
    const pct = (values) => values.map((v) => 100 * v);
    fan.push({ x: charts.months, y: pct(bands.p75), mode: "lines", line: { width: 0 },
      showlegend: false, hoverinfo: "skip", legendgroup: name });
    fan.push({ x: charts.months, y: pct(bands.p25), mode: "lines", line: { width: 0 },
      fill: "tonexty", fillcolor: color + "33", showlegend: false, hoverinfo: "skip",
      legendgroup: name });
    fan.push({ x: charts.months, y: pct(bands.median), mode: "lines", name,
      line: { color, width: 2 }, legendgroup: name });
  });
  Plotly.newPlot("chart-territory", fan,
    layout("Territory over time", `months since ${job.manifest.start}`,
      "territory held, % of recognised area"), config);

  // The shares of the summary table, labelled by the registry.
  const measures = state.registry.summary_columns
    .filter((c) => c.statistic === "share")
    .map((c) => [c.label, c.key]);
  const bars = names.map((name, i) => ({
    type: "bar", name, marker: { color: PALETTE[i % PALETTE.length] },
    x: measures.map((m) => m[0]),
    y: measures.map((m) => (job.summary[name][m[1]] === null ? null : 100 * job.summary[name][m[1]])),
  }));
  Plotly.newPlot("chart-probabilities", bars,
    { ...layout("Deal, resumption and removal", "", "share of runs (resumption: of ceasefires), %"),
      barmode: "group" }, config);

  const boxes = names.map((name, i) => ({
    type: "box", name, boxpoints: false, marker: { color: PALETTE[i % PALETTE.length] },
    x: charts.policies[name].territory_at_horizon.map((v) => 100 * v), orientation: "h",
  }));
  Plotly.newPlot("chart-horizon", boxes,
    { ...layout("Territory at the horizon", "territory held, % of recognised area", ""),
      showlegend: false, margin: { t: 40, r: 10, b: 50, l: 180 } }, config);
}

init();
