/**
 * @module dashboard/main
 * Boots the dashboard: the routes, the navigation state, and the sign-in gate (every page but sign-in
 * needs a key in the session).
 */
import { clearKey, getKey } from './session.js';
import { startRouter } from './router.js';
import { el, replace } from './dom.js';
import { signInPage } from './pages/signin.js';
import { datasetPage, datasetsPage } from './pages/datasets.js';
import { jobsPage } from './pages/jobs.js';
import { jobPage } from './pages/job.js';
import { modelsPage } from './pages/models.js';
import { modelPage } from './pages/model.js';

const view = document.getElementById('view');
const nav = document.getElementById('nav');

/** Pages that need a key send the visitor to sign-in first, then back. */
const guarded = (page) => (root, params, signal) => {
  if (!getKey()) {
    sessionStorage.setItem('edge-automl.after-sign-in', location.hash);
    location.hash = '#/signin';
    return;
  }
  return page(root, params, signal);
};

const render = startRouter(
  [
    ['/signin', signInPage],
    ['/', guarded(jobsPage)],
    ['/datasets', guarded(datasetsPage)],
    ['/datasets/:name', guarded(datasetPage)],
    ['/jobs', guarded(jobsPage)],
    ['/jobs/:id', guarded(jobPage)],
    ['/models', guarded(modelsPage)],
    ['/models/:name', guarded(modelPage)],
    ['/models/:name/versions/:version', guarded(modelPage)],
  ],
  {
    view,
    onNavigate(section) {
      nav.hidden = !getKey();
      // The landing route `#/` (section '') shows the jobs list: Jobs is the page the visitor is on.
      const current = section === '' ? 'jobs' : section;
      for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.section === current);
    },
    fallback(path) {
      replace(view, el('h1', { text: 'Page not found' }), el('p', {}, `Nothing at "${path}". `, el('a', { href: '#/jobs', text: 'Go to the jobs' })));
    },
  },
);

document.getElementById('sign-out').addEventListener('click', () => {
  clearKey();
  location.hash = '#/signin';
});

render();
