'use strict';
// One image's page: follows its build over server-sent events, then draws
// its layers to scale. Every string goes into the page as text.
(() => {
  const root = document.getElementById('image');
  const $ = id => document.getElementById(id);
  const name = root.dataset.name, tag = root.dataset.tag;
  const palette = ['#2f6fb0', '#6c9bd2', '#3d8b6d', '#86c5a4', '#b07d2f', '#d8b26c', '#8a4fa0', '#c29bd6', '#a0434f', '#d88c96'];

  function bytes(n) {
    if (n >= 1 << 30) return (n / (1 << 30)).toFixed(1) + ' GiB';
    if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + ' MiB';
    if (n >= 1 << 10) return (n / 1024).toFixed(1) + ' KiB';
    return n + ' B';
  }

  function setStatus(state, text) {
    const status = $('status');
    status.textContent = text;
    status.className = state;
    root.dataset.state = state;
  }

  function showLayer(view, index, box) {
    const layer = view.layers[index];
    for (const other of document.querySelectorAll('.layer.selected')) other.classList.remove('selected');
    box.classList.add('selected');
    $('layer-detail').hidden = false;
    $('layer-title').textContent = `Layer ${index + 1} of ${view.layers.length}: ${bytes(layer.size)} compressed, ${layer.digest}`;
    const rows = $('layer-paths');
    rows.replaceChildren();
    const paths = layer.paths.length ? layer.paths : [{ path: '(customisation layer: symlinks to the packages, /etc, /tmp)', size: null }];
    for (const path of paths) {
      const row = document.createElement('tr');
      const cell = document.createElement('td');
      cell.textContent = path.path;
      const size = document.createElement('td');
      size.textContent = path.size === null ? '' : bytes(path.size);
      row.append(cell, size);
      rows.append(row);
    }
  }

  function built(view) {
    setStatus('done', 'done');
    $('elapsed').textContent = '';
    $('built').hidden = false;
    $('compressed-size').textContent = bytes(view.compressedSize);
    $('store-size').textContent = bytes(view.storeSize);
    $('layer-count').textContent = String(view.layers.length);
    $('revision').textContent = view.revision || '';
    $('architecture').textContent = view.architecture || '';
    $('packages').textContent = view.packages.join(' ');
    $('digest').textContent = view.dockerDigest + ' (Docker), ' + view.ociDigest + ' (OCI)';
    $('sbom').href = view.sbomUrl;
    const bar = $('layers');
    bar.replaceChildren();
    const total = Math.max(1, view.compressedSize);
    view.layers.forEach((layer, i) => {
      const box = document.createElement('div');
      box.className = 'layer';
      box.style.flexGrow = String(layer.size / total);
      box.style.flexBasis = '0';
      box.style.background = palette[i % palette.length];
      box.title = `Layer ${i + 1}: ${bytes(layer.size)}\n` + (layer.paths.length ? layer.paths.map(p => p.path).join('\n') : 'customisation layer');
      box.dataset.size = String(layer.size);
      box.tabIndex = 0;
      box.addEventListener('click', () => showLayer(view, i, box));
      box.addEventListener('keydown', e => { if (e.key === 'Enter') showLayer(view, i, box); });
      bar.append(box);
    });
  }

  function failed(view) {
    setStatus('failed', 'failed');
    $('elapsed').textContent = '';
    $('failure').hidden = false;
    $('log').textContent = view.error || 'the build failed';
  }

  const events = new EventSource(`/ui/events/${name}?tag=${encodeURIComponent(tag)}`);
  events.addEventListener('status', e => {
    const view = JSON.parse(e.data);
    setStatus('building', 'building');
    if (view.buildingSeconds !== null) $('elapsed').textContent = `${Math.round(view.buildingSeconds)} s`;
  });
  events.addEventListener('done', e => { events.close(); built(JSON.parse(e.data)); });
  events.addEventListener('failed', e => { events.close(); failed(JSON.parse(e.data)); });
  events.onerror = () => { if (root.dataset.state !== 'done' && root.dataset.state !== 'failed') setStatus('building', 'reconnecting'); };
})();
