import './base.css';
import './verify.css';
