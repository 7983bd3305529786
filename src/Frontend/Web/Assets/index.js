'use strict';
// The composer at /: search the catalogue of the tag's revision, pick
// packages, and show the image name and pull commands. Every string from the
// server or the user goes into the page as text (textContent), never as HTML.
(() => {
  const root = document.getElementById('composer');
  const host = root.dataset.host;
  const $ = id => document.getElementById(id);
  const chosen = [];
  let timer = null, generation = 0;

  function element(tag, text, className) {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (className) e.className = className;
    return e;
  }

  function imageName() {
    const segments = [];
    if ($('arm64').checked) segments.push('arm64');
    if ($('shell').checked) segments.push('shell');
    return segments.concat(chosen).join('/');
  }

  function tag() { return $('tag').value.trim() || 'latest'; }

  function update() {
    const list = $('chosen');
    list.replaceChildren();
    if (chosen.length === 0) list.append(element('li', 'Pick packages from the search results.', 'empty'));
    for (const segment of chosen) {
      const item = element('li', segment);
      const remove = element('button', '×');
      remove.type = 'button';
      remove.title = 'Remove ' + segment;
      remove.addEventListener('click', () => { chosen.splice(chosen.indexOf(segment), 1); update(); });
      item.append(remove);
      list.append(item);
    }
    const name = imageName();
    const reference = name ? `${host}/${name}:${tag()}` : '';
    $('image-name').textContent = name || '(nothing yet)';
    $('cmd-docker').textContent = name ? `docker pull ${reference}` : '';
    $('cmd-podman').textContent = name ? `podman pull ${reference}` : '';
    $('cmd-kubernetes').textContent = name ? kubernetes(reference, name) : '';
    const link = $('open-image');
    link.hidden = !name;
    link.href = name ? `/image/${name}?tag=${encodeURIComponent(tag())}` : '#';
  }

  function kubernetes(reference, name) {
    const podName = (name.split('/').pop().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '') || 'nixery').slice(0, 50);
    return [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      `  name: ${podName}`,
      'spec:',
      '  containers:',
      `    - name: ${podName}`,
      `      image: ${JSON.stringify(reference)}`,
      '      command: ["sleep", "infinity"]',
    ].join('\n');
  }

  function add(segment) {
    if (!chosen.includes(segment)) chosen.push(segment);
    update();
  }

  async function search() {
    const query = $('search').value.trim();
    const mine = ++generation;
    if (!query) { $('results').replaceChildren(); $('catalogue-status').textContent = ''; return; }
    const params = new URLSearchParams({ q: query, tag: tag(), arch: $('arm64').checked ? 'arm64' : 'amd64' });
    let answer;
    try {
      const response = await fetch('/ui/search?' + params);
      answer = await response.json();
    } catch (e) {
      $('catalogue-status').textContent = 'The registry did not answer: ' + e;
      return;
    }
    if (mine !== generation) return;
    const status = $('catalogue-status');
    if (answer.state === 'computing') {
      status.textContent = 'Listing the packages of this revision with Nix; results appear when it is done…';
      timer = setTimeout(search, 2000);
      return;
    }
    if (answer.state === 'failed') { status.textContent = 'No package list: ' + (answer.error || 'unknown error'); $('results').replaceChildren(); return; }
    status.textContent = `${answer.matches} of ${answer.packages} packages match (revision ${answer.revision})`;
    const list = $('results');
    list.replaceChildren();
    for (const result of answer.results) {
      const item = element('li');
      const button = element('button', 'Add');
      button.type = 'button';
      button.title = 'Add ' + result.name;
      button.addEventListener('click', () => add(result.segment));
      const name = element('div', result.name, 'name');
      if (result.version) name.append(element('span', result.version, 'version'));
      item.append(button, name, element('div', result.description, 'description'));
      item.dataset.name = result.name;
      list.append(item);
    }
  }

  function schedule() { clearTimeout(timer); timer = setTimeout(search, 120); }

  async function copy(id, button) {
    const text = $(id).textContent;
    try { await navigator.clipboard.writeText(text); }
    catch {
      // Plain-HTTP pages have no clipboard API: select the text and copy that.
      const range = document.createRange();
      range.selectNodeContents($(id));
      const selection = getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      document.execCommand('copy');
    }
    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = 'Copy'; }, 1500);
  }

  $('search').addEventListener('input', schedule);
  $('tag').addEventListener('input', () => { update(); schedule(); });
  $('shell').addEventListener('change', update);
  $('arm64').addEventListener('change', () => { update(); schedule(); });
  for (const button of document.querySelectorAll('button[data-copy]')) button.addEventListener('click', () => copy(button.dataset.copy, button));
  update();
  if ($('search').value) schedule();
})();
