import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { ClientProvider } from './state/client-context.js';
import { NoticeProvider } from './state/notices.js';
import { createClient } from './transport/index.js';
import './styles/theme.css';
import './styles/layout.css';
import './styles/controls.css';
import './styles/dialogs.css';
import './styles/console.css';
import './styles/snapshots.css';
import './styles/undo.css';
import './styles/transfer.css';
import './styles/networks.css';

const client = createClient();
document.documentElement.dataset.transport = client.transport;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ClientProvider client={client}>
      <NoticeProvider>
        <App />
      </NoticeProvider>
    </ClientProvider>
  </StrictMode>,
);
