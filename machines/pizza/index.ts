export { pizza } from './pizza.bot';
export { pizzaPaths } from './pizza.paths';
