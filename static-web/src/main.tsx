import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

function App() {
  return <h1>D3Chat</h1>;
}

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
