export { juice } from './juice.bot';
export { forecast, FORECAST_CITIES, UnknownCityError, type Forecast } from './forecast.service';
export { juicePaths } from './juice.paths';
