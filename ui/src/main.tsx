import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { pushUrl, StoreContext } from './context';
import { createAppStore } from './store/store';
import { copyFromSearch, fetchInstances, homePort, instanceFromSearch } from './sidecar';
import './styles.css';

const path = location.pathname === '/' ? '/errors' : location.pathname;
if (path !== location.pathname) history.replaceState(null, '', `${path}${location.search}`);

const store = createAppStore({
  pushUrl,
  fetchInstances,
  path,
  query: location.search.slice(1),
  instancePort: instanceFromSearch(location.search, homePort()),
  copy: copyFromSearch(location.search),
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>
  </StrictMode>,
);
