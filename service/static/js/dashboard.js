// Draws the dashboard's charts with the vendored ECharts (SVG renderer) from the page's JSON
// island (no inline script: see security.py). Each chart repeats the table beside it, which the
// page shows with or without script; a chart's box stays hidden until it is drawn, and where its
// table is empty it is not drawn at all.
window.addEventListener("DOMContentLoaded", function () {
  const island = document.getElementById("dashboard-data");
  if (!island || !window.echarts) return;
  const data = JSON.parse(island.textContent);
  const locale = document.documentElement.lang.startsWith("en") ? "EN" : "ZH";
  const charts = [];

  function draw(id, option, height) {
    const box = document.getElementById(id);
    if (!box) return;
    box.hidden = false;
    if (height) box.style.height = height + "px";
    const chart = window.echarts.init(box, null, { renderer: "svg", locale: locale });
    chart.setOption(Object.assign({ animation: false, textStyle: { fontFamily: "inherit" } },
                                  option));
    charts.push(chart);
  }

  const legend = { top: 0, type: "scroll" };
  const grid = { left: 8, right: 16, top: 40, bottom: 8, containLabel: true };

  if (data.bundles && data.bundles.names.length) {
    // Two panels side by side on the same bundles: working days, and the share on time.
    const bundles = data.bundles;
    const panel = { top: 40, bottom: 40, containLabel: true };
    const category = { type: "category", data: bundles.names, inverse: true };
    draw("chart-bundles", {
      legend: legend,
      grid: [Object.assign({ left: 8, right: "53%" }, panel),
             Object.assign({ left: "53%", right: 24 }, panel)],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      yAxis: [Object.assign({ gridIndex: 0 }, category),
              Object.assign({ gridIndex: 1, axisLabel: { show: false } }, category)],
      xAxis: [{ type: "value", gridIndex: 0, name: bundles.axes[0], nameLocation: "middle",
                nameGap: 24, minInterval: 1 },
              { type: "value", gridIndex: 1, name: bundles.axes[1], nameLocation: "middle",
                nameGap: 24, min: 0, max: 100 }],
      series: bundles.series.map(function (series) {
        return { type: "bar", name: series.name, xAxisIndex: series.axis,
                 yAxisIndex: series.axis, data: series.values };
      }),
    }, 100 + 40 * bundles.names.length);
  }

  if (data.weeks) {
    draw("chart-weeks", {
      legend: legend, grid: grid, tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.weeks.weeks, boundaryGap: false },
      yAxis: { type: "value", minInterval: 1 },
      series: data.weeks.series.map(function (series) {
        return { type: "line", name: series.name, data: series.values };
      }),
    });
  }

  if (data.overdue && data.overdue.series.length) {
    draw("chart-overdue", {
      legend: legend, grid: grid,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: data.overdue.weeks },
      yAxis: { type: "value", minInterval: 1 },
      series: data.overdue.series.map(function (series) {
        return { type: "bar", stack: "overdue", name: series.name, data: series.values };
      }),
    });
  }

  // Each grade its colour, from satisfied (green) to dissatisfied (red), whichever are drawn.
  const gradeColours = { 5: "#1e7b34", 4: "#7cb342", 3: "#9aa0a6", 2: "#e69138", 1: "#b3261e" };
  if (data.grades && data.grades.series.some(function (grade) { return grade.value; })) {
    draw("chart-grades", {
      legend: legend, tooltip: { trigger: "item" },
      series: [{ type: "pie", radius: ["35%", "65%"], top: 30,
                 data: data.grades.series.filter(function (grade) { return grade.value; })
                   .map(function (grade) {
                     return { name: grade.name, value: grade.value,
                              itemStyle: { color: gradeColours[grade.grade] } };
                   }),
                 label: { formatter: "{b}: {c}" } }],
    });
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
});
