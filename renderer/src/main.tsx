import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { createServices } from './app/services';
import { ServicesContext } from './app/services-context';
import { selectBridge } from './transport/bridge';
import { sessionTokenStore } from './transport/session-token';
import 'uplot/dist/uPlot.min.css';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

const tokens = sessionTokenStore(window.sessionStorage);
const services = createServices(selectBridge(window, tokens), tokens, undefined, window.localStorage);
void services.session.getState().start();

createRoot(root).render(
  <StrictMode>
    <ServicesContext value={services}>
      <App />
    </ServicesContext>
  </StrictMode>,
);
