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
  const territory = state.registry.trajectories.find((v) => v.name === "territory");
  const atHorizon = state.registry.outcomes.find((o) => o.name === "territory_at_horizon");
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
    const pct = (values) => values.map((v) => territory.scale * v);
    fan.push({ x: charts.months, y: pct(bands.p75), mode: "lines", line: { width: 0 },
      showlegend: false, hoverinfo: "skip", legendgroup: name });
    fan.push({ x: charts.months, y: pct(bands.p25), mode: "lines", line: { width: 0 },
      fill: "tonexty", fillcolor: color + "33", showlegend: false, hoverinfo: "skip",
      legendgroup: name });
    fan.push({ x: charts.months, y: pct(bands.median), mode: "lines", name,
      line: { color, width: 2 }, legendgroup: name });
  });
  Plotly.newPlot("chart-territory", fan,
    layout("Territory over time", `months since ${job.manifest.start}`, territory.axis_title),
    config);

  // The shares of the summary table, labelled by the registry.
  const measures = state.registry.summary_columns.filter((c) => c.statistic === "share");
  const bars = names.map((name, i) => ({
    type: "bar", name, marker: { color: PALETTE[i % PALETTE.length] },
    x: measures.map((c) => c.label),
    y: measures.map((c) => (job.summary[name][c.key] === null ? null : c.scale * job.summary[name][c.key])),
  }));
  Plotly.newPlot("chart-probabilities", bars,
    { ...layout("Deal, resumption and removal", "", "share of runs (resumption: of ceasefires), %"),
      barmode: "group" }, config);

  // Boxes drawn from the quantiles the server computed: 25th-75th percentile, whiskers to
  // the 5th and 95th (the report's interval).
  const boxes = names.map((name, i) => {
    const q = charts.policies[name].territory_at_horizon;
    const at = (key) => [q[key] === null ? null : atHorizon.scale * q[key]];
    return {
      type: "box", name, y: [name], orientation: "h", marker: { color: PALETTE[i % PALETTE.length] },
      lowerfence: at("p05"), q1: at("p25"), median: at("median"), q3: at("p75"),
      upperfence: at("p95"),
    };
  });
  Plotly.newPlot("chart-horizon", boxes,
    { ...layout("Territory at the horizon", atHorizon.axis_title, ""),
      showlegend: false, margin: { t: 40, r: 10, b: 50, l: 180 } }, config);
}

// --- The deal builder: a deal's terms as controls, the public's answer, the window ------------

const builder = { deals: [], vocabulary: [], start: null, timer: null };

function setDealStatus(text, isError) {
  $("deal-status").textContent = text;
  $("deal-status").classList.toggle("error", Boolean(isError));
}

async function initBuilder() {
  if (!state.limits) {
    return; // init() could not reach the server and said so
  }
  let answer;
  try {
    answer = await api("/api/deals");
  } catch (error) {
    setDealStatus(`Cannot load the deals: ${error.message}`, true);
    return;
  }
  builder.deals = answer.deals;
  builder.vocabulary = answer.vocabulary;
  for (const scenario of state.scenarios) {
    $("deal-scenario").add(new Option(`${scenario.name}: ${scenario.title}`, scenario.name));
  }
  if (state.scenarios.some((s) => s.name === "ukraine-2025")) {
    $("deal-scenario").value = "ukraine-2025";
  }
  for (const deal of builder.deals) {
    $("deal-start").add(new Option(deal.name, deal.name));
  }
  $("deal-runs").max = state.limits.max_runs;
  $("deal-runs-limit").textContent = `(at most ${state.limits.max_runs})`;
  $("deal-scenario").addEventListener("change", dealScenarioChanged);
  $("deal-start").addEventListener("change", () => fillTerms(selectedStart()));
  $("evaluate").addEventListener("click", evaluateDeal);
  buildTermControls();
  dealScenarioChanged();
  fillTerms(selectedStart());
}

function selectedStart() {
  return builder.deals.find((d) => d.name === $("deal-start").value);
}

function dealScenarioChanged() {
  const scenario = state.scenarios.find((s) => s.name === $("deal-scenario").value);
  $("poll-month").value = scenario.start;
  $("poll-month").min = scenario.start;
}

function termId(term) {
  return `term-${term.group}-${term.name}`;
}

// One control per term of the vocabulary, grouped as the deal file's tables are.
function buildTermControls() {
  const groups = new Map();
  for (const term of builder.vocabulary) {
    if (!groups.has(term.group)) {
      const fieldset = document.createElement("fieldset");
      const legend = document.createElement("legend");
      legend.textContent = term.group;
      fieldset.append(legend);
      groups.set(term.group, fieldset);
    }
    groups.get(term.group).append(termControl(term));
  }
  $("deal-terms").replaceChildren(...groups.values());
}

function termControl(term) {
  const row = document.createElement("div");
  row.className = "term";
  row.title = term.description;
  row.dataset.path = term.path;
  let input;
  if (term.kind === "bool") {
    const label = document.createElement("label");
    label.className = "check";
    input = document.createElement("input");
    input.type = "checkbox";
    label.append(input, term.name.replaceAll("_", " "));
    row.append(label);
  } else {
    const label = document.createElement("label");
    label.textContent = term.name.replaceAll("_", " ");
    input = document.createElement("select");
    if (term.kind === "areas" || term.kind === "choice") {
      input.multiple = term.kind === "areas";
      if (input.multiple) {
        input.size = term.allowed.length;
      }
      if (term.optional) input.add(new Option("(the scenario's rule)", ""));
      for (const value of term.allowed) {
        input.add(new Option(value, value));
      }
    } else {
      input = document.createElement("input");
      input.type = "number";
      input.step = term.kind === "integer" ? "1" : "any";
      if (term.minimum !== null) input.min = term.minimum;
      if (term.maximum !== null) input.max = term.maximum;
    }
    label.htmlFor = termId(term);
    row.append(label, input);
  }
  input.id = termId(term);
  input.dataset.path = term.path;
  input.addEventListener("change", markChanged);
  const meta = document.createElement("div");
  meta.className = "meta hint";
  meta.textContent = term.description;
  row.append(meta);
  return row;
}

function readTerm(term) {
  const input = $(termId(term));
  if (term.kind === "bool") return input.checked;
  if (term.kind === "areas") return [...input.selectedOptions].map((o) => o.value);
  if (term.kind === "choice") return input.value === "" && term.optional ? null : input.value;
  return Number(input.value);
}

function writeTerm(term, value) {
  const input = $(termId(term));
  if (term.kind === "bool") input.checked = Boolean(value);
  else if (term.kind === "areas") {
    for (const option of input.options) option.selected = value.includes(option.value);
  } else input.value = value ?? "";
}

function fillTerms(deal) {
  builder.start = deal;
  for (const term of builder.vocabulary) {
    writeTerm(term, deal[term.group][term.name]);
  }
  $("deal-description").textContent = `${deal.description} Source: ${deal.source || "none given"}.`;
  markChanged();
}

function changedTerms() {
  return builder.vocabulary.filter(
    (term) => JSON.stringify(readTerm(term)) !== JSON.stringify(builder.start[term.group][term.name]),
  );
}

function markChanged() {
  const changed = new Set(changedTerms().map((t) => t.path));
  for (const row of document.querySelectorAll(".term[data-path]")) {
    row.classList.toggle("changed", changed.has(row.dataset.path));
  }
}

// The deal as the server's schema wants it: a deal file's [deal] table.
function currentDeal() {
  const start = builder.start;
  const edited = changedTerms().length > 0;
  const deal = {
    name: edited ? `${start.name}-edited` : start.name,
    description: edited ? `${start.name}, edited in the dashboard` : start.description,
    source: start.source,
  };
  for (const term of builder.vocabulary) {
    deal[term.group] = deal[term.group] || {};
    deal[term.group][term.name] = readTerm(term);
  }
  return deal;
}

function percent(value) {
  return value === null || value === undefined ? "n/a" : `${(100 * value).toFixed(1)}%`;
}

async function evaluateDeal() {
  const deal = currentDeal();
  const scenario = $("deal-scenario").value;
  const runs = Number($("deal-runs").value);
  $("evaluate").disabled = true;
  $("window-progress").value = 0;
  setDealStatus("Asking the public…");
  try {
    const answer = await api("/api/poll", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ scenario, deal, month: $("poll-month").value, runs }),
    });
    renderPoll(answer);
    setDealStatus("Drawing the window…");
    const { job_id } = await api("/api/window", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ scenario, deal, runs, step: Number($("window-step").value) }),
    });
    builder.job = job_id;
    pollWindow();
  } catch (error) {
    setDealStatus(error.message, true);
    $("evaluate").disabled = false;
  }
}

function renderPoll(answer) {
  $("poll-title").textContent = `The public's answer to '${answer.deal}', ${answer.month}`;
  const head = document.createElement("tr");
  for (const heading of ["answer", "median", "90% interval over runs", ""]) {
    const th = document.createElement("th");
    th.textContent = heading;
    head.append(th);
  }
  const rows = Object.entries(answer.answers).map(([key, label]) => {
    const share = answer[key];
    const tr = document.createElement("tr");
    tr.dataset.key = key;
    tr.dataset.value = JSON.stringify(share);
    const name = document.createElement("td");
    name.textContent = label;
    const median = document.createElement("td");
    median.className = "num median";
    median.textContent = percent(share.median);
    const interval = document.createElement("td");
    interval.className = "num interval";
    interval.textContent = `${percent(share.p05)} – ${percent(share.p95)}`;
    const bar = document.createElement("td");
    bar.className = "bar";
    const fill = document.createElement("div");
    fill.className = "share";
    fill.style.width = `${100 * share.median}%`;
    bar.append(fill);
    tr.append(name, median, interval, bar);
    return tr;
  });
  $("poll-table").replaceChildren(head, ...rows);
  $("poll-caption").textContent =
    `Shares of adults in government-controlled areas as modelled, median and 5th–95th ` +
    `percentiles over ${answer.runs} runs of fighting on to ${answer.month} (the model's ` +
    "uncertainty about the public, not a survey's sampling error).";
  document.body.dataset.poll = JSON.stringify(answer);
}

async function pollWindow() {
  let job;
  try {
    job = await api(`/api/jobs/${builder.job}`);
  } catch (error) {
    setDealStatus(error.message, true);
    $("evaluate").disabled = false;
    return;
  }
  $("window-progress").value = job.progress;
  if (job.status === "queued" || job.status === "running") {
    setDealStatus(`Window ${job.status}: ${job.offers_done.length} of ${job.offers_total} done`);
    builder.timer = setTimeout(pollWindow, 300);
    return;
  }
  $("evaluate").disabled = false;
  if (job.status === "failed") {
    setDealStatus(`The window failed: ${job.error}`, true);
    return;
  }
  drawWindow(job.window);
  setDealStatus(`Done: window of ${job.window.offers.length} offer months in ` +
    `${job.elapsed_seconds.toFixed(1)} s.`);
  document.body.dataset.window = job.job_id;
}

function drawWindow(window) {
  const months = window.offers.map((o) => o.offer_month);
  const registry = state.registry;
  const territory = registry.outcomes.find((o) => o.name === registry.window_territory);
  const shareScale = registry.window_share_axis.scale;
  const lines = registry.window_shares.map((share) => [share.key, share.label]);
  const config = { displaylogo: false, responsive: true };
  const margin = { t: 40, r: 10, b: 60, l: 60 };
  const chances = lines.map(([key, name], i) => ({
    x: months, y: window.offers.map((o) => (o[key] === null ? null : shareScale * o[key])),
    mode: "lines+markers", name, line: { color: PALETTE[i], dash: i === 3 ? "dot" : "solid" },
  }));
  Plotly.newPlot("chart-window-chances", chances, {
    title: { text: `When could '${window.deal}' pass?`, font: { size: 14 } }, margin,
    xaxis: { title: { text: "month of the offer" } },
    yaxis: {
      title: { text: registry.window_share_axis.title },
      range: [-0.02 * shareScale, 1.02 * shareScale],
    },
    legend: { orientation: "h", y: -0.3 },
  }, config);
  const held = [
    { x: months, y: window.offers.map((o) => territory.scale * o[territory.name].median),
      mode: "lines+markers", name: "offered in this month", line: { color: PALETTE[0] } },
    { x: months, y: window.offers.map((o) => territory.scale * o.territory_fight_on.median),
      mode: "lines", name: "fight on (no offer)", line: { color: "#000", dash: "dash" } },
  ];
  Plotly.newPlot("chart-window-territory", held, {
    title: { text: "Would it pay? Territory at the horizon", font: { size: 14 } }, margin,
    xaxis: { title: { text: "month of the offer" } },
    yaxis: { title: { text: territory.median_title } },
    legend: { orientation: "h", y: -0.3 },
  }, config);
  $("window-caption").textContent =
    `The deal offered once at each month, on the same ${window.runs} runs over ` +
    `${window.horizon} months (seed ${window.seed}); war resumed: among the runs in which the ` +
    "deal took effect (no point where it never did).";
}

init().then(initBuilder);
