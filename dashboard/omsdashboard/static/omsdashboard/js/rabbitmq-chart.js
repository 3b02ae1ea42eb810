/* Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License. You may obtain
 * a copy of the License at
 *
 *      http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
 * WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
 * License for the specific language governing permissions and limitations
 * under the License.
 */

/* The RabbitMQ message-rate chart of Admin › Monitoring › RabbitMQ.
 *
 * Polls the panel's overview.json (the metering API's /v2/rabbit/overview
 * counters), keeps the last points in the page and draws one line per
 * rate; the totals beside it are refreshed with each sample. Nothing is
 * stored on the server: the chart covers the time the page has been open.
 */
(function () {
  'use strict';

  var SERIES = [
    {name: 'publish', color: '#1f77b4'},
    {name: 'deliver_get', color: '#2ca02c'},
    {name: 'ack', color: '#d62728'}
  ];
  var SVG_NS = 'http://www.w3.org/2000/svg';

  function line(svg, attrs) {
    var node = document.createElementNS(SVG_NS, attrs.tag);
    Object.keys(attrs).forEach(function (key) {
      if (key !== 'tag' && key !== 'text') {
        node.setAttribute(key, attrs[key]);
      }
    });
    if (attrs.text !== undefined) {
      node.textContent = attrs.text;
    }
    svg.appendChild(node);
  }

  function draw(container, points, capacity) {
    var svg = container.querySelector('svg');
    var width = svg.clientWidth || 600;
    var height = svg.clientHeight || 220;
    var top = 10, bottom = 20, left = 50;
    var peak = 0;
    points.forEach(function (point) {
      SERIES.forEach(function (s) { peak = Math.max(peak, point[s.name]); });
    });
    peak = peak > 0 ? peak : 1;
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    line(svg, {tag: 'line', x1: left, y1: top, x2: left,
               y2: height - bottom, stroke: '#999'});
    line(svg, {tag: 'line', x1: left, y1: height - bottom, x2: width,
               y2: height - bottom, stroke: '#999'});
    line(svg, {tag: 'text', x: 2, y: top + 10, 'font-size': 11,
               text: peak.toFixed(1) + '/s'});
    line(svg, {tag: 'text', x: 2, y: height - bottom, 'font-size': 11,
               text: '0/s'});
    var step = (width - left) / Math.max(capacity - 1, 1);
    SERIES.forEach(function (s) {
      var coords = points.map(function (point, i) {
        var x = left + i * step;
        var y = top + (1 - point[s.name] / peak) * (height - top - bottom);
        return x.toFixed(1) + ',' + y.toFixed(1);
      });
      line(svg, {tag: 'polyline', points: coords.join(' '), fill: 'none',
                 stroke: s.color, 'stroke-width': 2,
                 'data-series': s.name});
    });
  }

  function legend(container, point) {
    var text = SERIES.map(function (s) {
      return s.name + ': ' + point[s.name].toFixed(2) + '/s';
    });
    container.querySelector('.oms-rabbit-chart-legend').textContent =
      text.join('   ');
  }

  function refreshTotals(sample) {
    ['object_totals', 'queue_totals'].forEach(function (group) {
      var values = sample[group] || {};
      var list = document.getElementById(
        'oms-rabbit-' + group.replace('_', '-'));
      if (!list) { return; }
      Object.keys(values).forEach(function (name) {
        var cell = list.querySelector('[data-total="' + name + '"]');
        if (cell && values[name] !== null) {
          cell.textContent = values[name];
        }
      });
    });
  }

  function start(container) {
    var url = container.getAttribute('data-url');
    var interval = parseInt(container.getAttribute('data-interval'), 10);
    var capacity = parseInt(container.getAttribute('data-points'), 10);
    var status = container.querySelector('.oms-rabbit-chart-status');
    var points = [];

    function poll() {
      $.ajax({url: url, dataType: 'json', cache: false})
        .done(function (sample) {
          var point = {};
          SERIES.forEach(function (s) {
            point[s.name] = Number(sample.rates[s.name]) || 0;
          });
          points.push(point);
          if (points.length > capacity) { points.shift(); }
          draw(container, points, capacity);
          legend(container, point);
          refreshTotals(sample);
          status.textContent = '';
          container.setAttribute('data-samples', points.length);
        })
        .fail(function (xhr) {
          var answer = xhr.responseJSON || {};
          status.textContent = answer.error ||
            gettext('The RabbitMQ overview could not be refreshed.');
        });
    }

    poll();
    setInterval(poll, interval);
  }

  $(function () {
    var container = document.getElementById('oms-rabbit-chart');
    if (container) { start(container); }
  });
}());
