import { render } from 'preact';
import { App } from './app';
import { LoginPage } from './login-page';
import { LOGIN_PATH } from './session';
import './styles.css';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element to render the UI into');
render(location.pathname === LOGIN_PATH ? <LoginPage /> : <App />, root);
