import './base.css';
import './verify.css';
import './panel.css';
