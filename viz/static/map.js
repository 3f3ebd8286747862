// The map component: draws the view made in Python (viz/map.py) with vis-network.
// Positions come with the view, one set per layout; nothing here moves a node by itself.
// Every user-supplied string is shown with textContent, canvas text or vis-network's
// plain-text tooltips, never as HTML.
(function () {
  "use strict";
  var view = JSON.parse(document.getElementById("lmap-data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var BODIES = new Set(["board", "agency"]);
  var CHART_LINES = new Set(["reports_to", "part_of"]);
  var GAP = "#e67e22", MISSING = "#d62728", OVERLAP = "#9467bd";
  // How well a fact is known, said beside it unless a source states it.
  var EVIDENCE = { inferred: "Inferred: a source implies it, none states it",
                   proposed: "Proposed: a source proposes it, none shows it in force" };
  // A comparison map (made with a baseline) marks what was added, ended and changed, and the
  // findings resolved; its colours come with the view.
  var comparison = view.comparison, CHANGES = comparison ? comparison.colours : {};
  var ENDED_FILL = "#e3e7ec";
  var FONT = "'Segoe UI', Helvetica, Arial, sans-serif";
  var state = { hiddenTypes: new Set(), hiddenRelations: new Set(), sector: "", level: "",
                theme: view.theme === null ? "" : view.nodes.entity[view.theme],
                focus: view.focus === null ? null : "n" + view.focus, layout: view.layout,
                depth: view.depth, missing: view.layout === "network", gaps: false, overlaps: false, context: false,
                resolved: !!comparison, allLabels: false };
  var typeName = new Map(view.legend.map(function (t) { return [t.type, t.one]; }));
  var colourOf = new Map(view.legend.map(function (t) { return [t.type, t.colour]; }));
  var shapeOf = new Map(view.legend.map(function (t) { return [t.type, t.shape]; }));
  var marks = new Map(Object.entries(view.marks));
  var large = view.large;  // lines drawn straight and hidden while dragging, to keep redraws quick

  function text(tag, content, cls) {
    var el = document.createElement(tag);
    el.textContent = content;
    if (cls) { el.className = cls; }
    return el;
  }

  // The view holds nodes, lines and findings as columns, one list per field, which keeps the
  // file small and quick to write; here each becomes one object (keyed by the view's field names).
  function rows(columns) {
    var keys = Object.keys(columns), made = [];
    for (var i = 0; keys.length && i < columns[keys[0]].length; i++) {
      var row = {};
      keys.forEach(function (key) { row[key] = columns[key][i]; });
      made.push(row);
    }
    return made;
  }

  // Node n is drawn under the key "n<n>", never its entity's id: vis-network keeps nodes in
  // plain objects, where an id like "__proto__" would break it.
  var nodeList = rows(view.nodes);
  var nodeOf = new Map();  // by entity id (a Map: ids are user data)
  nodeList.forEach(function (n, number) {
    Object.assign(n, { id: "n" + number, number: number, degree: 0, remit: [], findings: [], gap: false,
                       resolvedGap: false, change: n.change || "" });
    nodeOf.set(n.entity, n);
  });
  var nodeById = new Map(nodeList.map(function (n) { return [n.id, n]; }));

  var facts = rows(view.edges);
  var lines = facts.map(function (e, number) {
    var relation = view.relations[e.type], from = nodeList[e.from], to = nodeList[e.to];
    from.degree++; to.degree++;
    if (relation.type === "addresses") { from.remit.push(to.entity); }
    var sentence = [from.label, relation.verb, to.label];
    if (e.role && e.role !== "member") { sentence.push("(" + e.role + ")"); }
    var title = [sentence.join(" ")];
    if (EVIDENCE[e.evidence]) { title.push(EVIDENCE[e.evidence]); }
    if (e.start || e.end) { title.push(period(e)); }
    if (e.source) { title.push("Source: " + e.source); }
    var change = e.change || "";
    if (change) { title.push(change === "added" ? "Added in this change" : "Ended in this change"); }
    return { id: "e" + number, from: from.id, to: to.id, finding: "", title: title.join("\n"),
             relation: relation.type, change: change, color: CHANGES[change] || relation.colour, arrows: relation.arrows,
             width: relation.width + (change === "added" ? 1 : 0),
             dashes: change === "ended" ? [4, 4] : relation.dashes || false };
  });

  // Findings by number, each listed on the nodes it names; missing links and overlaps between
  // two nodes are drawn as lines too, for the toggles.
  // On a comparison map a finding has an outcome: "new", "resolved" (drawn in the resolved
  // style: a dotted line, or a dotted ring round a gap's entities) or "" (persisting).
  var findings = rows(view.findings).map(function (f, number) {
    var mark = marks.get(f.kind) || "", resolved = f.outcome === "resolved";
    var named = f.entities.map(function (id) { return nodeOf.get(id); }).filter(Boolean);
    named.forEach(function (n) {
      n.findings.push(number);
      if (resolved) { n.resolvedGap = n.resolvedGap || mark === "gap"; } else { n.gap = n.gap || mark === "gap"; }
    });
    return { explanation: f.explanation, mark: mark, nodes: named, outcome: f.outcome || "" };
  });
  var findingLines = [];
  findings.forEach(function (f, number) {
    if (f.outcome === "resolved") {
      if ((f.mark === "missing_link" || f.mark === "overlap") && f.nodes.length === 2) {
        findingLines.push({ id: "f" + number, from: f.nodes[0].id, to: f.nodes[1].id, finding: "resolved",
                            title: "Resolved: " + f.explanation, color: CHANGES.resolved, arrows: "",
                            dashes: [2, 5], width: 3 });
      }
    } else if ((f.mark === "missing_link" || f.mark === "overlap") && f.nodes.length === 2) {
      var missing = f.mark === "missing_link";
      findingLines.push({ id: "f" + number, from: f.nodes[0].id, to: f.nodes[1].id, finding: f.mark,
                          title: f.explanation, color: missing ? MISSING : OVERLAP, arrows: "",
                          dashes: missing ? [8, 6] : [2, 4], width: missing ? 3 : 2 });
    }
  });
  var edgeList = lines.concat(findingLines);

  // The themes each node relates to, for the theme filter: its own remit, or for an
  // organisation the remits of the boards and initiatives it is linked to.
  nodeList.forEach(function (n) { n.themes = new Set(n.type === "theme" ? [n.entity] : n.remit); });
  facts.forEach(function (e) {
    if (view.relations[e.type].type === "addresses") { return; }
    var from = nodeList[e.from], to = nodeList[e.to];
    to.remit.forEach(function (theme) { from.themes.add(theme); });
    from.remit.forEach(function (theme) { to.themes.add(theme); });
  });

  // The tooltip: plain text, which vis-network shows with innerText, never as HTML.
  nodeList.forEach(function (n) {
    var title = [n.label, [typeName.get(n.type), n.sector, n.level].filter(Boolean).join(" \u00b7 ")];
    if (EVIDENCE[n.evidence]) { title.push(EVIDENCE[n.evidence]); }
    if (n.start || n.end) { title.push(period(n)); }
    if (n.description) { title.push(n.description); }
    if (n.source) { title.push("Source: " + n.source); }
    if (n.was) { title.push(n.was); }
    n.findings.forEach(function (f) {
      if (findings[f].mark === "gap") { title.push(said(findings[f], "Gap: ")); }
    });
    n.title = title.join("\n");
  });

  function period(fact) { return "From " + (fact.start || "unknown") + " to " + (fact.end || "now"); }

  // A finding in words, saying when it was resolved or is new on a comparison map.
  function said(finding, otherwise) {
    return (finding.outcome === "resolved" ? "Resolved: " : finding.outcome === "new" ? "New: " : otherwise || "")
      + finding.explanation;
  }

  // How a node is painted: its type's colour (pale, with a dashed grey outline, when it ended
  // on a comparison map), and an outline and halo that mark a gap or a resolved gap when shown.
  // Added and changed nodes are ringed instead (see `ring`): a ring apart from the node reads on
  // every fill colour.
  function paint(n) {
    var gap = state.gaps && n.gap, resolved = state.resolved && n.resolvedGap, ended = n.change === "ended";
    return {
      fill: ended ? ENDED_FILL : colourOf.get(n.type),
      border: gap ? GAP : resolved ? CHANGES.resolved : ended ? CHANGES.ended : "#ffffff",
      width: gap || resolved || ended ? 3 : 1.5,
      dashes: gap ? [4, 3] : resolved ? [2, 3] : ended ? [4, 3] : false,
      halo: gap ? "rgba(230, 126, 34, 0.9)" : resolved ? "rgba(23, 190, 207, 0.9)" : ""
    };
  }

  // The ring round an added or changed node, on the map's canvas or a picture's.
  function ring(c, n, p) {
    c.save();
    c.strokeStyle = CHANGES[n.change]; c.lineWidth = 3.5; c.setLineDash([]);
    c.beginPath(); c.arc(p.x, p.y, n.size + 7, 0, 2 * Math.PI); c.stroke();
    c.restore();
  }
  var ringed = nodeList.filter(function (n) { return n.change === "added" || n.change === "changed"; });

  function placed(n) {
    var at = view.layouts[state.layout];
    return { x: at.x[n.number], y: at.y[n.number], labelled: !!at.labelled[n.number] };
  }

  function nodeStyle(n) {
    var p = paint(n), at = placed(n);
    return {
      id: n.id, label: at.labelled || state.allLabels ? n.short : "", title: n.title,
      shape: shapeOf.get(n.type), size: n.size, x: at.x, y: at.y, widthConstraint: { maximum: view.label_width },
      color: { background: p.fill, border: p.border,
               highlight: { background: p.fill, border: "#111" },
               hover: { background: p.fill, border: "#111" } },
      borderWidth: p.width, shapeProperties: { borderDashes: p.dashes },
      shadow: { enabled: !!p.halo && !large, color: p.halo || "#000", size: 12, x: 0, y: 0 },  // a halo
      font: { size: view.label_font, face: FONT, color: n.change === "ended" ? "#6c7a89" : "#1d2733",
              strokeWidth: 4, strokeColor: "#ffffff" }
    };
  }
  function edgeStyle(e) {
    return { id: e.id, from: e.from, to: e.to, title: e.title, arrows: e.arrows,
             color: { color: e.color, highlight: "#111", hover: "#111", opacity: e.finding ? 1 : 0.75 },
             dashes: e.dashes || false, width: e.width,
             smooth: large || state.layout === "chart" ? false
               : e.finding ? { type: "curvedCW", roundness: 0.2 } : { type: "continuous" } };
  }

  // The nodes within state.depth steps of the focus (null when there is no focus).
  function focusSet() {
    if (!nodeById.has(state.focus)) { return null; }
    var adjacent = new Map();
    lines.forEach(function (e) {
      if (!adjacent.has(e.from)) { adjacent.set(e.from, []); }
      if (!adjacent.has(e.to)) { adjacent.set(e.to, []); }
      adjacent.get(e.from).push(e.to);
      adjacent.get(e.to).push(e.from);
    });
    var seen = new Set([state.focus]), frontier = [state.focus];
    for (var d = 0; d < state.depth; d++) {
      var next = [];
      frontier.forEach(function (id) {
        (adjacent.get(id) || []).forEach(function (other) {
          if (!seen.has(other)) { seen.add(other); next.push(other); }
        });
      });
      frontier = next;
    }
    return seen;
  }

  // In the chart, members, initiatives and themes (and the lines to them) are shown on
  // demand: with the toggle, or within a focus.
  function chartOnly(inFocus) { return state.layout === "chart" && !state.context && !inFocus; }

  function visible(n, inFocus) {
    if (inFocus && !inFocus.has(n.id)) { return false; }
    if (inFocus && n.id === state.focus) { return true; }
    if (state.hiddenTypes.has(n.type)) { return false; }
    if (chartOnly(inFocus) && !BODIES.has(n.type)) { return false; }
    if (state.sector && n.sector !== state.sector) { return false; }
    if (state.level && n.level !== state.level) { return false; }
    if (state.theme && !n.themes.has(state.theme)) { return false; }
    return true;
  }

  // The ids of the nodes and lines the state hides (vis-network itself hides the lines of hidden nodes).
  function hiddenNow() {
    var inFocus = focusSet(), hidden = { nodes: new Set(), edges: new Set() }, chart = chartOnly(inFocus);
    nodeList.forEach(function (n) { if (!visible(n, inFocus)) { hidden.nodes.add(n.id); } });
    edgeList.forEach(function (e) {
      var off = e.finding === "missing_link" ? !state.missing
        : e.finding === "overlap" ? !state.overlaps
          : e.finding === "resolved" ? !state.resolved
          : state.hiddenRelations.has(e.relation) || (chart && !CHART_LINES.has(e.relation));
      if (off || hidden.nodes.has(e.from) || hidden.nodes.has(e.to)) { hidden.edges.add(e.id); }
    });
    return hidden;
  }

  var drawn = hiddenNow();
  var nodes = new vis.DataSet(nodeList.map(function (n) {
    return Object.assign(nodeStyle(n), { hidden: drawn.nodes.has(n.id) });
  }));
  var edges = new vis.DataSet(edgeList.map(function (e) {
    return Object.assign(edgeStyle(e), { hidden: drawn.edges.has(e.id) });
  }));
  var network = new vis.Network($("lmap-canvas"), { nodes: nodes, edges: edges }, {
    autoResize: true,
    interaction: { hover: true, tooltipDelay: 120, navigationButtons: false, keyboard: true,
                   hideEdgesOnDrag: large, hideEdgesOnZoom: large },
    physics: { enabled: false },
    layout: { improvedLayout: false },
    edges: { selectionWidth: 2, arrowStrikethrough: false, arrows: { to: { scaleFactor: 0.6 } } }
  });
  var map = { network: network, nodes: nodes, edges: edges, state: state, stable: true, firstDrawn: null };
  // Positions are fixed, so the first drawing is the stable one (timed by benchmarks/map.py).
  network.once("afterDrawing", function () {
    map.firstDrawn = performance.now();
    network.fit();  // again, now the canvas has its size
    homeScale = network.getScale();
  });

  // The labelled areas behind the nodes: clusters of similar work, the chart's bands.
  network.on("beforeDrawing", function (c) {
    areasOnShow().forEach(function (area) { drawArea(c, area, 1); });
  });
  network.on("afterDrawing", function (c) {
    var shown = ringed.filter(function (n) { return !drawn.nodes.has(n.id); });
    var at = network.getPositions(shown.map(function (n) { return n.id; }));
    shown.forEach(function (n) { ring(c, n, at[n.id]); });
  });

  // Clusters in the network view when all is shown; the chart's groups, and its bands of
  // members, initiatives and themes when those are shown.
  function areasOnShow() {
    var filtered = state.focus || state.theme || state.sector || state.level || state.hiddenTypes.size;
    return view.layouts[state.layout].areas.filter(function (area) {
      return area.kind === "band" ? state.context && !filtered : !filtered || area.kind !== "cluster";
    });
  }

  function drawArea(c, area, scale) {
    var p = area.points, cluster = area.kind === "cluster";
    c.save();
    c.beginPath();
    for (var i = 0; i < p.length; i += 2) { c[i ? "lineTo" : "moveTo"](p[i], p[i + 1]); }
    c.closePath();
    c.fillStyle = cluster ? "rgba(27, 79, 140, 0.07)" : "rgba(93, 109, 126, 0.05)";
    c.strokeStyle = cluster ? "rgba(27, 79, 140, 0.30)" : "rgba(93, 109, 126, 0.35)";
    c.lineWidth = 1.5 * scale;
    c.setLineDash(cluster ? [] : [6 * scale, 4 * scale]);
    c.fill(); c.stroke();
    c.setLineDash([]);
    c.font = "600 " + 22 * scale + "px " + FONT;
    c.fillStyle = cluster ? "#1b4f8c" : "#4a5868";
    c.textAlign = cluster ? "center" : "left"; c.textBaseline = "bottom";
    c.strokeStyle = "#ffffff"; c.lineWidth = 5 * scale; c.lineJoin = "round";
    c.strokeText(area.label, area.x, area.y + (cluster ? 0 : 28 * scale));
    c.fillText(area.label, area.x, area.y + (cluster ? 0 : 28 * scale));
    c.restore();
  }

  // Show what the state asks for, sending vis only the nodes and lines that change
  // (all nodes when `restyle`, as the layout or the gap rings changed).
  function refresh(restyle) {
    var next = hiddenNow();
    nodes.update(nodeList.filter(function (n) {
      return restyle || next.nodes.has(n.id) !== drawn.nodes.has(n.id);
    }).map(function (n) {
      return Object.assign(restyle ? nodeStyle(n) : { id: n.id }, { hidden: next.nodes.has(n.id) });
    }));
    edges.update(edgeList.filter(function (e) {
      return restyle || next.edges.has(e.id) !== drawn.edges.has(e.id);
    }).map(function (e) { return Object.assign(restyle ? edgeStyle(e) : { id: e.id }, { hidden: next.edges.has(e.id) }); }));
    drawn = next;
    var status = (nodeList.length - next.nodes.size) + " of " + nodeList.length + " shown";
    if (nodeById.has(state.focus)) {
      status += " \u00b7 focus: " + nodeById.get(state.focus).label + " (depth " + state.depth + ")";
    }
    $("lmap-status").textContent = status;
  }

  function setLayout(layout) {
    state.layout = layout;
    state.missing = $("lmap-show-missing").checked = layout === "network";
    $("lmap-context-box").hidden = layout !== "chart";
    refresh(true);
    network.fit();
    homeScale = network.getScale();
  }

  // Zoomed in well past the whole map, every node shows its short name.
  var homeScale = 1;
  network.on("zoom", function () {
    var all = network.getScale() > homeScale * 1.8;
    if (all !== state.allLabels) { state.allLabels = all; refresh(true); }
  });

  function showAll() {
    state.focus = null; state.hiddenTypes.clear(); state.sector = state.level = state.theme = "";
    document.querySelectorAll("#lmap-legend input").forEach(function (b) { b.checked = true; });
    ["sector", "level", "theme"].forEach(function (k) { $("lmap-filter-" + k).value = ""; });
    refresh();
  }

  function select(n) {
    if (drawn.nodes.has(n.id)) { showAll(); }  // a node hidden by the filters is shown again
    if (drawn.nodes.has(n.id)) { state.context = $("lmap-context").checked = true; refresh(); }
    network.selectNodes([n.id]);
    network.focus(n.id, { scale: Math.max(network.getScale(), 1.2), animation: true });
    showDetails(n);
    $("lmap-focus").disabled = false;
  }

  // Text as compared: case, accents and runs of spaces ignored (as landscape/find.py does).
  function fold(text) {
    return String(text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .split(/\s+/).filter(Boolean).join(" ");
  }

  // The node `wanted` names, ranked as landscape/find.py ranks them: exact id, exact alias, exact
  // name, id in another case, then (unless `exact`) those whose name, id or alias contains it;
  // ties by name, then id.
  function find(wanted, exact) {
    var raw = wanted.trim(), folded = fold(wanted);
    if (!folded) { return null; }
    var rank = function (n) {
      var aliases = n.aliases ? n.aliases.split(";").map(fold) : [];
      if (n.entity === raw) { return 0; }
      if (aliases.indexOf(folded) >= 0) { return 1; }
      if (fold(n.label) === folded) { return 2; }
      if (fold(n.entity) === folded) { return 3; }
      if (!exact && [fold(n.label), fold(n.entity)].concat(aliases).some(function (s) {
        return s.indexOf(folded) >= 0; })) { return 4; }
      return null;
    };
    var best = null, bestRank = null;
    nodeList.forEach(function (n) {
      var r = rank(n);
      if (r === null) { return; }
      var better = best === null || r < bestRank || (r === bestRank &&
        (fold(n.label) < fold(best.label) || (fold(n.label) === fold(best.label) && n.entity < best.entity)));
      if (better) { best = n; bestRank = r; }
    });
    return best;
  }

  function showDetails(n) {
    var box = $("lmap-details");
    box.replaceChildren(text("h3", n.label));
    box.appendChild(text("p", [typeName.get(n.type), n.sector, n.level].filter(Boolean).join(" \u00b7 "), "lmap-meta"));
    if (n.description) { box.appendChild(text("p", n.description)); }
    if (EVIDENCE[n.evidence]) { box.appendChild(text("p", EVIDENCE[n.evidence])); }
    if (n.start || n.end) { box.appendChild(text("p", period(n))); }
    if (n.source) { box.appendChild(text("p", "Source: " + n.source, "lmap-source")); }
    if (n.was) { box.appendChild(text("p", n.was, "lmap-change")); }
    if (n.url) {
      var link = text("a", n.url);
      link.href = n.url; link.rel = "noopener noreferrer"; link.target = "_blank";
      box.appendChild(link);
    }
    if (n.findings.length) {
      box.appendChild(text("h4", "Findings"));
      var list = document.createElement("ul");
      n.findings.forEach(function (f) { list.appendChild(text("li", said(findings[f]))); });
      box.appendChild(list);
    }
  }

  // Which labels fit, in order of size, without overlapping one another or a node (as the
  // Python layout decides for the default zoom), for the nodes on show in a picture.
  function labelRoom(shown, at, areas) {
    var cell = 340, grid = new Map(), room = new Set();
    function keys(b) {
      var found = [];
      for (var a = Math.floor(b[0] / cell); a <= Math.floor(b[2] / cell); a++) {
        for (var d = Math.floor(b[1] / cell); d <= Math.floor(b[3] / cell); d++) { found.push(a + ":" + d); }
      }
      return found;
    }
    function add(b) { keys(b).forEach(function (k) { if (!grid.has(k)) { grid.set(k, []); } grid.get(k).push(b); }); }
    function clash(b, own) {
      return keys(b).some(function (k) {
        return (grid.get(k) || []).some(function (o) {
          return o !== own && b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3];
        });
      });
    }
    areas.forEach(function (a) {  // as viz/layout.py area_label_box
      var w = a.label.length * 0.56 * 22 * 1.08;
      add(a.kind === "cluster" ? [a.x - w / 2, a.y - 22, a.x + w / 2, a.y + 4] : [a.x, a.y + 6, a.x + w, a.y + 32]);
    });
    var discs = new Map();
    shown.forEach(function (n) {
      var p = at[n.id], disc = [p.x - n.size, p.y - n.size, p.x + n.size, p.y + n.size];
      discs.set(n.id, disc); add(disc);
    });
    shown.slice().sort(function (a, b) {
      return (b.size + (BODIES.has(b.type) ? 5 : 0)) - (a.size + (BODIES.has(a.type) ? 5 : 0)) || a.number - b.number;
    }).forEach(function (n) {
      var p = at[n.id], f = view.label_font, full = n.short.length * 0.56 * f;
      var w = Math.min(full, view.label_width), h = Math.ceil(full / view.label_width) * f * 1.2;
      var b = [p.x - w / 2, p.y + n.size + 2, p.x + w / 2, p.y + n.size + 2 + h];
      if (!clash(b, discs.get(n.id))) { add(b); room.add(n.id); }
    });
    return room;
  }

  // The map as a picture for board papers, drawn afresh at print resolution from what is on
  // show (no selection or hover): title and date above, the legend and source line below.
  function picture(width) {
    width = width || 3600;
    var shown = nodeList.filter(function (n) { return !drawn.nodes.has(n.id); });
    var shownEdges = edgeList.filter(function (e) { return !drawn.edges.has(e.id); });
    var at = network.getPositions(shown.map(function (n) { return n.id; }));
    var areas = areasOnShow();
    var box = [Infinity, Infinity, -Infinity, -Infinity];
    function grow(x, y) { box = [Math.min(box[0], x), Math.min(box[1], y), Math.max(box[2], x), Math.max(box[3], y)]; }
    shown.forEach(function (n) {
      grow(at[n.id].x - view.label_width / 2, at[n.id].y - 30); grow(at[n.id].x + view.label_width / 2, at[n.id].y + 60);
    });
    areas.forEach(function (a) { for (var i = 0; i < a.points.length; i += 2) { grow(a.points[i], a.points[i + 1]); } grow(a.x, a.y - 24); });
    if (!isFinite(box[0])) { box = [0, 0, 800, 400]; }
    var inner = width - 160, scale = inner / (box[2] - box[0]), k = width / 1400;
    var keyHeight = comparison ? 190 : 150;  // a comparison's key has a row of changes more
    var head = 150 * k, foot = (keyHeight + 40) * k, height = Math.round(head + (box[3] - box[1]) * scale + foot);
    var copy = document.createElement("canvas");
    copy.width = width; copy.height = height;
    var c = copy.getContext("2d");
    c.fillStyle = "#ffffff"; c.fillRect(0, 0, width, height);
    c.save();
    c.translate(80 - box[0] * scale, head - box[1] * scale); c.scale(scale, scale);
    areas.forEach(function (a) { drawArea(c, a, 1); });
    shownEdges.forEach(function (e) {
      var a = at[e.from], b = at[e.to];
      if (!a || !b) { return; }
      c.strokeStyle = e.color; c.globalAlpha = e.finding ? 1 : 0.75; c.lineWidth = e.width;
      c.setLineDash(e.dashes ? e.dashes : []);
      c.beginPath(); c.moveTo(a.x, a.y); c.lineTo(b.x, b.y); c.stroke();
      if (e.arrows === "to") {
        var t = nodeById.get(e.to), angle = Math.atan2(b.y - a.y, b.x - a.x), tip = t.size + 2;
        var tx = b.x - Math.cos(angle) * tip, ty = b.y - Math.sin(angle) * tip;
        c.setLineDash([]); c.fillStyle = e.color; c.beginPath(); c.moveTo(tx, ty);
        c.lineTo(tx - 9 * Math.cos(angle - 0.45), ty - 9 * Math.sin(angle - 0.45));
        c.lineTo(tx - 9 * Math.cos(angle + 0.45), ty - 9 * Math.sin(angle + 0.45)); c.closePath(); c.fill();
      }
    });
    c.globalAlpha = 1; c.setLineDash([]);
    var room = labelRoom(shown, at, areas);
    shown.forEach(function (n) {
      var p = at[n.id], look = paint(n), marked = look.halo;
      c.fillStyle = look.fill; c.strokeStyle = marked ? "#ffffff" : look.border; c.lineWidth = marked ? 1.5 : look.width;
      c.setLineDash(!marked && look.dashes ? look.dashes : []);
      shape(c, shapeOf.get(n.type), p.x, p.y, n.size);
      c.stroke(); c.setLineDash([]);
      if (marked) {  // a gap, or a resolved gap: a dashed ring round the node
        c.strokeStyle = look.border; c.lineWidth = 3; c.setLineDash(look.dashes);
        c.beginPath(); c.arc(p.x, p.y, n.size + 5, 0, 2 * Math.PI); c.stroke(); c.setLineDash([]);
      }
      if (n.change === "added" || n.change === "changed") { ring(c, n, p); }
    });
    c.textAlign = "center"; c.textBaseline = "top"; c.font = view.label_font + "px " + FONT; c.lineJoin = "round";
    shown.forEach(function (n) {
      if (!room.has(n.id)) { return; }
      wrap(c, n.short, view.label_width).forEach(function (line, i) {
        var y = at[n.id].y + n.size + 3 + i * view.label_font * 1.2;
        c.strokeStyle = "#ffffff"; c.lineWidth = 4; c.strokeText(line, at[n.id].x, y);
        c.fillStyle = "#1d2733"; c.fillText(line, at[n.id].x, y);
      });
    });
    c.restore();
    c.scale(k, k);
    c.textAlign = "left"; c.textBaseline = "alphabetic";
    c.fillStyle = "#1b4f8c"; c.font = "600 28px " + FONT; c.fillText(view.title, 40, 56, 1320);
    c.fillStyle = "#5b6b7c"; c.font = "16px " + FONT;
    c.fillText(subtitle(), 40, 86, 1320);
    key(c, 40, (height / k) - keyHeight, shown, shownEdges);
    c.fillStyle = "#5b6b7c"; c.font = "13px " + FONT;
    c.fillText(view.source_line, 40, (height / k) - 22, 1320);
    return copy.toDataURL("image/png");
  }

  function subtitle() {
    var parts = ["As of " + view.as_of, state.layout === "chart" ? "Governance chart" : "Network of relationships",
                 $("lmap-status").textContent];
    if (comparison) { parts.push("compared with " + comparison.from); }
    if (state.theme && nodeOf.has(state.theme)) { parts.push("theme: " + nodeOf.get(state.theme).label); }
    return parts.join(" \u00b7 ");
  }

  function wrap(c, label, most) {
    var words = label.split(" "), made = [], line = "";
    words.forEach(function (w) {
      var next = line ? line + " " + w : w;
      if (line && c.measureText(next).width > most) { made.push(line); line = w; } else { line = next; }
    });
    made.push(line);
    return made;
  }

  // The picture's legend: the node types, lines and marks on show.
  function key(c, x0, y0, shown, shownEdges) {
    var types = new Set(shown.map(function (n) { return n.type; }));
    var kinds = new Set(shownEdges.map(function (e) { return e.finding || e.relation; }));
    var x = x0, y = y0;
    c.font = "14px " + FONT; c.textBaseline = "middle";
    function next(w) { x += w; if (x > 1300) { x = x0; y += 28; } }
    view.legend.forEach(function (item) {
      if (!types.has(item.type)) { return; }
      c.fillStyle = item.colour; shape(c, item.shape, x + 8, y, 8);
      c.fillStyle = "#1d2733"; c.fillText(item.label, x + 22, y);
      next(40 + c.measureText(item.label).width);
    });
    x = x0; y += 30;
    view.relations.forEach(function (r) {
      if (!kinds.has(r.type)) { return; }
      swatchLine(c, x, y, r.colour, r.dashes || [], r.width);
      c.fillStyle = "#1d2733"; c.fillText(r.label, x + 36, y);
      next(52 + c.measureText(r.label).width);
    });
    [["missing_link", "Missing link (finding)", MISSING, [8, 6], 3], ["overlap", "Overlap (finding)", OVERLAP, [2, 4], 2]]
      .forEach(function (m) {
        if (!kinds.has(m[0])) { return; }
        swatchLine(c, x, y, m[2], m[3], m[4]);
        c.fillStyle = "#1d2733"; c.fillText(m[1], x + 36, y);
        next(52 + c.measureText(m[1]).width);
      });
    if (state.gaps && shown.some(function (n) { return n.gap; })) {
      c.strokeStyle = GAP; c.lineWidth = 3; c.setLineDash([4, 3]);
      c.beginPath(); c.arc(x + 9, y, 8, 0, 2 * Math.PI); c.stroke(); c.setLineDash([]);
      c.fillStyle = "#1d2733"; c.fillText("Gap (finding)", x + 24, y);
      next(40 + c.measureText("Gap (finding)").width);
    }
    if (!comparison) { return; }
    x = x0; y += 30;
    var changes = new Set(shown.map(function (n) { return n.change; }));
    [["added", "Added"], ["ended", "Ended"], ["changed", "Changed"]].forEach(function (m) {
      if (!changes.has(m[0])) { return; }
      c.fillStyle = m[0] === "ended" ? ENDED_FILL : "#ffffff"; c.strokeStyle = CHANGES[m[0]]; c.lineWidth = 3.5;
      c.setLineDash(m[0] === "ended" ? [4, 3] : []);
      c.beginPath(); c.arc(x + 9, y, 8, 0, 2 * Math.PI); c.fill(); c.stroke(); c.setLineDash([]);
      c.fillStyle = "#1d2733"; c.fillText(m[1], x + 24, y);
      next(40 + c.measureText(m[1]).width);
    });
    var lineChanges = new Set(shownEdges.map(function (e) { return e.change || e.finding; }));
    [["added", "Line added", [], 3], ["ended", "Line ended", [4, 4], 2], ["resolved", "Resolved finding", [2, 5], 3]]
      .forEach(function (m) {
        if (!lineChanges.has(m[0])) { return; }
        swatchLine(c, x, y, CHANGES[m[0]], m[2], m[3]);
        c.fillStyle = "#1d2733"; c.fillText(m[1], x + 36, y);
        next(52 + c.measureText(m[1]).width);
      });
  }

  function swatchLine(c, x, y, colour, dashes, width) {
    c.strokeStyle = colour; c.lineWidth = Math.max(2, width); c.setLineDash(dashes);
    c.beginPath(); c.moveTo(x, y); c.lineTo(x + 28, y); c.stroke(); c.setLineDash([]);
  }

  function shape(c, kind, x, y, r) {
    var corners = { square: [[-0.9, -0.9], [0.9, -0.9], [0.9, 0.9], [-0.9, 0.9]],
                    diamond: [[0, -1.2], [1.2, 0], [0, 1.2], [-1.2, 0]],
                    triangle: [[0, -1.1], [1.1, 0.9], [-1.1, 0.9]],
                    hexagon: [[-0.5, -0.87], [0.5, -0.87], [1, 0], [0.5, 0.87], [-0.5, 0.87], [-1, 0]] }[kind];
    if (kind === "star") {
      corners = [];
      for (var i = 0; i < 10; i++) {
        var a = Math.PI * i / 5 - Math.PI / 2, k = i % 2 ? 0.45 : 1.1;
        corners.push([k * Math.cos(a), k * Math.sin(a)]);
      }
    }
    c.beginPath();
    if (!corners) { c.arc(x, y, r, 0, 2 * Math.PI); }
    else { corners.forEach(function (p, i) { c[i ? "lineTo" : "moveTo"](x + p[0] * r, y + p[1] * r); }); }
    c.closePath(); c.fill();
  }

  // Controls.
  view.legend.forEach(function (item) {
    var label = document.createElement("label");
    label.className = "lmap-legend-item";
    var box = document.createElement("input");
    box.type = "checkbox"; box.checked = true; box.dataset.type = item.type;
    box.addEventListener("change", function () {
      if (box.checked) { state.hiddenTypes.delete(item.type); } else { state.hiddenTypes.add(item.type); }
      refresh();
    });
    var mark = text("span", "", "shape shape-" + item.shape);
    mark.style.setProperty("--c", item.colour);
    label.append(box, mark, document.createTextNode(item.label));
    $("lmap-legend").appendChild(label);
  });
  var present = new Set(lines.map(function (e) { return e.relation; }));
  view.relations.forEach(function (r) {
    if (!present.has(r.type)) { return; }
    var label = document.createElement("label");
    var box = document.createElement("input");
    box.type = "checkbox"; box.checked = true; box.dataset.relation = r.type;
    box.addEventListener("change", function () {
      if (box.checked) { state.hiddenRelations.delete(r.type); } else { state.hiddenRelations.add(r.type); }
      refresh();
    });
    var mark = text("span", "", "swatch" + (r.dashes ? " swatch-dashed" : ""));
    mark.style.setProperty("--c", r.colour);
    label.append(box, mark, document.createTextNode(r.label));
    $("lmap-lines").appendChild(label);
  });
  ["sector", "level", "theme"].forEach(function (key) {
    var select = $("lmap-filter-" + key);
    view.filters[key].forEach(function (o) {
      var option = text("option", o.label); option.value = o.value; select.appendChild(option);
    });
    select.value = state[key];
    select.addEventListener("change", function () { state[key] = select.value; refresh(); });
  });
  $("lmap-names").append.apply($("lmap-names"), nodeList.map(function (n) {
    var option = document.createElement("option"); option.value = n.label;
    if (n.aliases) { option.label = n.aliases.split(";").join(", "); }  // shown beside the name as a hint
    return option;
  }));
  $("lmap-search").addEventListener("input", function () {  // a name picked from the list
    var match = find(this.value, true);
    if (match) { select(match); }
  });
  $("lmap-search").addEventListener("change", function () {  // Enter, or leaving the field
    var match = find(this.value, false);
    if (match) { select(match); } else if (this.value.trim()) { $("lmap-status").textContent = "No match for " + this.value; }
  });
  $("lmap-show-missing").checked = state.missing;
  $("lmap-show-gaps").checked = state.gaps;
  $("lmap-show-overlaps").checked = state.overlaps;
  $("lmap-show-missing").addEventListener("change", function () { state.missing = this.checked; refresh(); });
  $("lmap-show-gaps").addEventListener("change", function () { state.gaps = this.checked; refresh(true); });
  $("lmap-show-overlaps").addEventListener("change", function () { state.overlaps = this.checked; refresh(); });
  if (comparison) {
    $("lmap-show-resolved").checked = state.resolved;
    $("lmap-show-resolved").addEventListener("change", function () { state.resolved = this.checked; refresh(true); });
  }
  $("lmap-context").addEventListener("change", function () { state.context = this.checked; refresh(); });
  $("lmap-layout").value = view.layout;
  $("lmap-layout").addEventListener("change", function () { setLayout(this.value === "tiered" ? "chart" : this.value); });
  $("lmap-depth").addEventListener("change", function () {
    state.depth = Math.max(1, parseInt(this.value, 10) || 1); refresh();
  });
  $("lmap-focus").addEventListener("click", function () {
    var selected = network.getSelectedNodes();
    if (selected.length) { state.focus = selected[0]; refresh(); network.fit({ animation: true }); }
  });
  $("lmap-reset").addEventListener("click", function () { showAll(); network.fit({ animation: true }); });
  $("lmap-png").addEventListener("click", function () {
    var link = document.createElement("a");
    link.download = ((view.title || "").replace(/[^A-Za-z0-9 _-]+/g, "").trim() || "Landscape") + " map.png";
    link.href = picture();
    document.body.appendChild(link); link.click(); link.remove();
  });
  network.on("click", function (params) {
    var box = $("lmap-details");
    if (params.nodes.length) {
      showDetails(nodeById.get(params.nodes[0]));
    } else if (params.edges.length) {
      box.replaceChildren.apply(box, edges.get(params.edges[0]).title.split("\n").map(function (line) {
        return text("p", line);
      }));
    } else {
      box.replaceChildren(text("p", "Click a node or line for details.", "lmap-hint"));
    }
    $("lmap-focus").disabled = !params.nodes.length;
  });
  network.on("doubleClick", function (params) {
    if (params.nodes.length) { state.focus = params.nodes[0]; refresh(); network.fit({ animation: true }); }
  });
  window.addEventListener("beforeprint", function () { $("lmap-print").src = picture(2400); });  // paper gets a still

  $("lmap-context-box").hidden = state.layout !== "chart";
  refresh();
  network.fit();
  homeScale = network.getScale();
  map.refresh = refresh;
  map.nodeList = nodeList;
  map.edgeList = edgeList;
  map.picture = picture;
  map.setLayout = setLayout;
  window.landscapeMap = map;
  // The positions drawn now, by entity id, in the layout's coordinates (y grows downwards).
  window.landscape = {
    positions: function () {
      var at = network.getPositions(), found = Object.create(null);  // nodes on show (dragged or not)
      nodeList.forEach(function (n) {
        var p = at[n.id] || placed(n);
        found[n.entity] = { x: p.x, y: p.y };
      });
      return found;
    },
    layout: function () { return state.layout; }
  };
})();
