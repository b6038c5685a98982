import type { IntentEvent } from '@parley/dialogue-core';
import { service } from '@parley/dialogue-core';
import type { Forecast } from './forecast.service';
import { juiceKit } from './kit';

interface WeatherData {
  city: string | null;
  /** ISO date (YYYY-MM-DD) in the bot's time zone. */
  date: string | null;
}

const { defineContext, ask, form, invoke, finish, say, update, escape, when, entity } = juiceKit.context<WeatherData>();

/** A city, or a place that is no city («火星»: taken as a city the service won't know). */
const cityIn = (event: IntentEvent): string | undefined => entity(event, 'city') ?? entity(event, 'place');

/** City and date said in an utterance. */
function slotsIn(event: IntentEvent | undefined): Partial<WeatherData> {
  if (!event) return {};
  const found: Partial<WeatherData> = {};
  const city = cityIn(event);
  if (city !== undefined) found.city = city;
  const date = entity(event, 'date');
  if (date !== undefined) found.date = date;
  return found;
}

// Building an Intl.DateTimeFormat costs more than the rest of a turn (~100 µs or more): one per time zone.
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** 今天 / 明天 / 后天, or the date itself. */
function dayLabel(date: string, now: Date, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (!format) dayFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone })));
  const today = format.format(now);
  const days = Math.round((Date.parse(date) - Date.parse(today)) / 86_400_000);
  return ['今天', '明天', '后天'][days] ?? date;
}

/** The forecast for a city and date: cached in memory scoped by city + date, else asked of the `forecast` service. */
const forecast = service(async ({ city, date }: { city: string; date: string }, { services, recall, remember }) => {
  const cached = (await recall('forecast', { city, date })) as Forecast | undefined;
  if (cached) return cached;
  const fresh = (await services.forecast!({ city, date })) as Forecast;
  remember('forecast', fresh, { city, date });
  return fresh;
}, {
  // Path tests answer with these instead of calling the forecast service: a forecast, and a place it does not know.
  samples: {
    sunny: { returns: ({ city, date }) => ({ city, date, sky: '晴', low: 9, high: 17 }) },
    unknownPlace: { throws: 'No forecast for this place.' },
  },
});

/**
 * Weather: first-order slot filling (city, then date), a forecast through the `forecast` service, cached in memory
 * scoped by city + date. An unknown city is a failure escape that this context intercepts itself.
 */
export const weather = defineContext({
  id: 'weather',
  description: 'Weather forecast for a city today, tomorrow or the day after.',
  memory: { forecast: { scope: ['city', 'date'] } },
  context: ({ input }) => ({
    city: null,
    date: null,
    ...slotsIn(input.trigger?.type.startsWith('intent.') ? (input.trigger as IntentEvent) : undefined),
  }),
  initial: 'asking',
  stages: {
    asking: form({
      slots: {
        city: { prompt: '请问您想查哪个城市?', fill: cityIn },
        date: { prompt: '哪天呢? 今天、明天还是后天?', choices: ['今天', '明天', '后天'], fill: (event) => entity(event, 'date') },
      },
      changed: ({ slot, to }) => (slot === 'city' ? `好的, 改查${to}。` : '好的, 换一天。'),
      onDone: 'forecasting',
    }),
    forecasting: {
      invoke: invoke('forecast', forecast, {
        input: ({ context }) => ({ city: context.city ?? '', date: context.date ?? '' }),
        onDone: {
          target: 'answering',
          actions: say(({ event, now }) => {
            const f = event.output;
            return `${f.city}${dayLabel(f.date, now, 'Asia/Shanghai')}${f.sky}, ${f.low}到${f.high}度。`;
          }),
        },
        onError: { actions: escape('failure', 'no forecast') },
      }),
    },
    answering: ask({
      prompt: '还有其它问题吗?',
      on: {
        'intent.deny': 'done',
        // «那北京呢» / «后天呢»: another forecast, keeping what was not said again
        'intent.weather.ask': { target: 'asking', actions: update(({ event }) => slotsIn(event)) },
        'intent.inform': {
          guard: when(({ event }) => Object.keys(slotsIn(event)).length > 0),
          target: 'asking',
          actions: update(({ event }) => slotsIn(event)),
        },
      },
    }),
    done: finish('done'),
  },
  // Intercepted here: the weather thread ends politely and whatever slept wakes up.
  onFailure: {
    target: '.done',
    actions: say(({ context }) => `抱歉, 暂时查不到${context.city ?? '这个地方'}的天气。`),
  },
});
