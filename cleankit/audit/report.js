// The documents table of a cleankit audit page: rows drawn from compact JSON a screenful at a
// time (a virtualised list), sorted by any column, filtered by a search, and one document's
// edits, held-back edits and provenance shown on click. No network, no library.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('data').textContent);
  var S = data.strings;
  var rows = data.rows;
  var str = function (i) { return i < 0 ? '' : S[i]; };
  // Columns: label, value of a row, numeric.
  var columns = [
    ['doc_id', function (r) { return r[0]; }, false],
    ['status', function (r) { return str(r[1]); }, false],
    ['source', function (r) { return str(r[2]) + (r[3] == null ? '' : ':' + r[3]); }, false],
    ['chars in', function (r) { return r[4]; }, true],
    ['chars out', function (r) { return r[5]; }, true],
    ['edits', function (r) { return r[10].length; }, true],
    ['held', function (r) { return r[11].length; }, true],
    ['site', function (r) { return str(r[6]); }, false],
    ['language', function (r) { return str(r[7]); }, false],
    ['publisher', function (r) { return str(r[8]); }, false],
    ['duplicate of / error', function (r) { return r[9]; }, false]
  ];
  var ROW = 26;
  var table = document.getElementById('documents');
  var head = table.querySelector('.head');
  var viewport = table.querySelector('.viewport');
  var spacer = viewport.querySelector('.spacer');
  var body = document.createElement('div');
  body.className = 'body';
  viewport.appendChild(body);
  var detail = document.getElementById('detail');
  var shownLabel = document.getElementById('shown');
  var order = rows.map(function (_, i) { return i; });
  var visible = order;
  var sortColumn = -1;
  var descending = false;
  var haystacks = null;

  function cell(text, numeric) {
    var span = document.createElement('span');
    span.setAttribute('role', 'cell');
    if (numeric) { span.className = 'n'; }
    span.textContent = text;
    span.title = text;
    return span;
  }

  columns.forEach(function (column, index) {
    var th = cell(column[0], column[2]);
    th.setAttribute('role', 'columnheader');
    th.tabIndex = 0;
    th.dataset.column = index;
    var sort = function () { sortBy(index); };
    th.addEventListener('click', sort);
    th.addEventListener('keydown', function (e) { if (e.key === 'Enter') { sort(); } });
    head.appendChild(th);
  });

  function draw() {
    var top = viewport.scrollTop;
    var first = Math.max(0, Math.floor(top / ROW) - 10);
    var last = Math.min(visible.length, Math.ceil((top + viewport.clientHeight) / ROW) + 10);
    body.style.transform = 'translateY(' + first * ROW + 'px)';
    var fragment = document.createDocumentFragment();
    for (var k = first; k < last; k++) {
      var index = visible[k];
      var r = rows[index];
      var line = document.createElement('div');
      line.className = 'row ' + str(r[1]);
      line.setAttribute('role', 'row');
      line.dataset.index = index;
      columns.forEach(function (column) {
        line.appendChild(cell(String(column[1](r)), column[2]));
      });
      fragment.appendChild(line);
    }
    body.replaceChildren(fragment);
  }

  function refresh() {
    spacer.style.height = visible.length * ROW + 'px';
    shownLabel.textContent = visible.length;
    draw();
  }

  function sortBy(index) {
    descending = sortColumn === index ? !descending : false;
    sortColumn = index;
    var value = columns[index][1];
    var numeric = columns[index][2];
    var keys = rows.map(value);
    order.sort(function (a, b) {
      var x = keys[a], y = keys[b];
      var c = numeric ? x - y : (x < y ? -1 : x > y ? 1 : 0);
      return (descending ? -c : c) || a - b;
    });
    head.querySelectorAll('[role=columnheader]').forEach(function (th) {
      th.setAttribute('aria-sort', +th.dataset.column === index
        ? (descending ? 'descending' : 'ascending') : 'none');
    });
    filter();
  }

  function haystack(r) {
    var parts = [r[0], str(r[1]), str(r[2]), str(r[6]), str(r[7]), str(r[8]), r[9]];
    r[10].concat(r[11]).forEach(function (e) { parts.push(str(e[0])); });
    return parts.join('\u0001').toLowerCase();
  }

  var needle = '';
  function filter() {
    if (!needle) {
      visible = order;
    } else {
      if (haystacks === null) { haystacks = rows.map(haystack); }
      visible = order.filter(function (i) { return haystacks[i].indexOf(needle) !== -1; });
    }
    viewport.scrollTop = 0;
    refresh();
  }

  var pending = null;
  document.getElementById('search').addEventListener('input', function (event) {
    needle = event.target.value.toLowerCase();
    if (pending !== null) { clearTimeout(pending); }
    pending = setTimeout(function () { pending = null; filter(); }, 120);
  });

  function edits(title, list) {
    var section = document.createElement('section');
    var h = document.createElement('h3');
    h.textContent = title + ' (' + list.length + ')';
    section.appendChild(h);
    if (!list.length) { return section; }
    var t = document.createElement('table');
    var header = document.createElement('tr');
    ['step/rule', 'why', 'span', 'removed', 'inserted'].forEach(function (name) {
      var th = document.createElement('th');
      th.textContent = name;
      header.appendChild(th);
    });
    t.appendChild(header);
    list.forEach(function (e) {
      var tr = document.createElement('tr');
      [str(e[0]), str(e[1]), e[2] + '-' + e[3], e[4], e[5]].forEach(function (text) {
        var td = document.createElement('td');
        td.textContent = text;
        tr.appendChild(td);
      });
      t.appendChild(tr);
    });
    section.appendChild(t);
    return section;
  }

  function show(index) {
    var r = rows[index];
    var h = document.createElement('h2');
    h.textContent = r[0] + ': ' + str(r[1]);
    var facts = document.createElement('p');
    facts.textContent = columns.slice(2).map(function (c) {
      return c[0] + ' ' + c[1](r);
    }).join(' \u00b7 ');
    var found = document.createElement('p');
    found.className = 'provenance';
    found.textContent = r[12].length ? 'provenance: ' + r[12].map(function (p) {
      return str(p[0]) + ' = ' + str(p[1]);
    }).join('; ') : 'no provenance recorded';
    detail.replaceChildren(h, facts, found, edits('edits', r[10]),
      edits('held back by the removal guard', r[11]));
    detail.hidden = false;
  }

  body.addEventListener('click', function (event) {
    var line = event.target.closest('.row');
    if (line) { show(+line.dataset.index); }
  });
  viewport.addEventListener('scroll', function () { window.requestAnimationFrame(draw); });
  window.addEventListener('resize', draw);
  refresh();
}());
