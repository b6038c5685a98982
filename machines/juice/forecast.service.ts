/**
 * A deterministic weather service for the demo (no network): the same city and date always give the same forecast.
 * It stands in for a real weather API behind the bot's `forecast` service port.
 */
const CLIMATE: Record<string, number> = {
  北京: 4,
  上海: 12,
  广州: 20,
  深圳: 21,
  长沙: 12,
  杭州: 12,
  成都: 11,
  武汉: 11,
  南京: 10,
  西安: 7,
  重庆: 13,
  天津: 4,
  苏州: 11,
  郑州: 8,
  东莞: 20,
  青岛: 8,
  沈阳: -2,
  宁波: 12,
  昆明: 12,
  合肥: 10,
  佛山: 20,
  无锡: 11,
  厦门: 18,
  哈尔滨: -8,
  济南: 7,
  福州: 17,
  大连: 3,
  长春: -5,
  温州: 14,
  石家庄: 5,
  南宁: 19,
  贵阳: 10,
  南昌: 12,
  太原: 3,
  兰州: 2,
  海口: 23,
  乌鲁木齐: -6,
  呼和浩特: -4,
  常州: 11,
  徐州: 8,
  泉州: 18,
  南通: 11,
  烟台: 7,
  珠海: 20,
  惠州: 20,
  中山: 20,
  绍兴: 12,
  嘉兴: 11,
  金华: 13,
  台州: 14,
  潍坊: 6,
  洛阳: 8,
  扬州: 10,
  唐山: 3,
  保定: 4,
  西宁: 0,
  银川: 2,
  拉萨: 3,
  三亚: 25,
  桂林: 15,
  香港: 21,
  澳门: 21,
  台北: 19,
};
const SKIES = ['晴', '多云', '阴', '小雨', '晴转多云'];

export type Forecast = {
  city: string;
  date: string;
  sky: string;
  low: number;
  high: number;
};

export class UnknownCityError extends Error {
  override readonly name = 'UnknownCityError';
  readonly code = 'UNKNOWN_CITY';
  constructor(readonly city: string) {
    super(`No forecast for '${city}'.`);
  }
}

export const FORECAST_CITIES = Object.keys(CLIMATE);

export async function forecast({ city, date }: { city: string; date: string }): Promise<Forecast> {
  const base = CLIMATE[city];
  if (base === undefined) throw new UnknownCityError(city);
  const seed = [...`${city}${date}`].reduce((sum, ch) => (sum * 31 + ch.charCodeAt(0)) % 9973, 7);
  const low = base + (seed % 5) - 2;
  return { city, date, sky: SKIES[seed % SKIES.length]!, low, high: low + 6 + (seed % 4) };
}
