export { pizza } from './pizza.bot';
