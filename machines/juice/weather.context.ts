import { ask, defineContext, entity, escape, finish, say, service, update, when } from '@parley/dialogue-core';
import type { Forecast } from './forecast.service';

interface WeatherData {
  city: string | null;
  /** ISO date (YYYY-MM-DD) in the bot's time zone. */
  date: string | null;
}

/** City and date said in an utterance. A place that is no city («火星») is taken as a city the service won't know. */
function slots(event: any): Partial<WeatherData> {
  const found: Partial<WeatherData> = {};
  const city = entity(event, 'city') ?? entity(event, 'place');
  if (typeof city === 'string') found.city = city;
  const date = entity(event, 'date');
  if (typeof date === 'string') found.date = date;
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

/**
 * Weather: first-order slot filling (city, then date), a forecast through the `forecast` service, cached in memory
 * scoped by city + date. An unknown city is a failure escape that this context intercepts itself.
 */
export const weather = defineContext({
  id: 'weather',
  description: 'Weather forecast for a city today, tomorrow or the day after.',
  memory: { forecast: { scope: ['city', 'date'] } },
  context: ({ input }): WeatherData => ({ city: null, date: null, ...slots(input.trigger) }),
  initial: 'next',
  stages: {
    next: {
      always: [
        { guard: ({ context }: any) => context.city === null, target: 'askingCity' },
        { guard: ({ context }: any) => context.date === null, target: 'askingDate' },
        { target: 'forecasting' },
      ],
    },
    askingCity: ask({
      prompt: '请问您想查哪个城市?',
      on: {
        'intent.*': {
          guard: when(({ event }) => slots(event).city !== undefined),
          target: 'next',
          actions: update(({ event }) => slots(event)),
        },
      },
    }),
    askingDate: ask({
      prompt: '哪天呢? 今天、明天还是后天?',
      on: {
        'intent.*': {
          guard: when(({ event }) => slots(event).date !== undefined),
          target: 'next',
          actions: update(({ event }) => slots(event)),
        },
      },
    }),
    forecasting: {
      invoke: {
        src: 'forecast',
        input: ({ context }: any) => ({ city: context.city, date: context.date }),
        onDone: {
          target: 'answering',
          actions: say(({ event, now }) => {
            const f = event.output as Forecast;
            return `${f.city}${dayLabel(f.date, now, 'Asia/Shanghai')}${f.sky}, ${f.low}到${f.high}度。`;
          }),
        },
        onError: { actions: escape('failure', 'no forecast') },
      },
    },
    answering: ask({
      prompt: '还有其它问题吗?',
      on: {
        'intent.deny': 'done',
        // «那北京呢» / «后天呢»: another forecast, keeping what was not said again
        'intent.weather.ask': { target: 'next', actions: update(({ event }) => slots(event)) },
        'intent.inform': {
          guard: when(({ event }) => Object.keys(slots(event)).length > 0),
          target: 'next',
          actions: update(({ event }) => slots(event)),
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
  actors: {
    forecast: service(
      async ({ city, date }: { city: string; date: string }, { services, recall, remember }): Promise<Forecast> => {
        const cached = await recall('forecast', { city, date });
        if (cached) return cached as unknown as Forecast;
        const fresh = (await services.forecast!({ city, date })) as Forecast;
        remember('forecast', fresh as any, { city, date });
        return fresh;
      },
      {
        // Path tests answer with these instead of calling the forecast service: a forecast, and a place it does not know.
        samples: {
          sunny: { returns: ({ city, date }) => ({ city, date, sky: '晴', low: 9, high: 17 }) },
          unknownPlace: { throws: 'No forecast for this place.' },
        },
      },
    ),
  },
});
