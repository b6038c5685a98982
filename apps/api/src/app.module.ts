import { Module, type DynamicModule } from '@nestjs/common';
import { AdminController } from './admin/admin.controller';
import { AdminGuard } from './admin/admin.guard';
import { AdminService } from './admin/admin.service';
import { DeliveriesController } from './admin/deliveries.controller';
import { DeliveriesService } from './admin/deliveries.service';
import { ChannelFlights } from './channels/channel-flights';
import { ChannelController } from './channels/channel.controller';
import { RestChannelController } from './channels/rest-channel.controller';
import { SchedulerService } from './jobs/scheduler.service';
import { OpsController } from './ops/ops.controller';
import { OutboxDispatcher } from './outbox/outbox.dispatcher';
import type { Runtime } from './runtime';
import { RUNTIME } from './tokens';
import { TurnService } from './turns/turn.service';
import { ConversationRepository } from '@parley/persistence';
import { StudioApiController } from './studio/studio-api.controller';
import { StudioPagesController } from './studio/studio-pages.controller';
import { StudioService } from './studio/studio.service';
import { StudioStreams } from './studio/studio.streams';
import { WebchatController } from './webchat/webchat.controller';
import { WebchatService } from './webchat/webchat.service';
import { IdentityLinksController } from './users/identity-links.controller';

/** Services built by the composition root (`createApp`), handed to Nest as values. */
export interface AppServices {
  turns: TurnService;
  admin: AdminService;
  deliveries: DeliveriesService;
  outbox: OutboxDispatcher;
  scheduler: SchedulerService;
  studio: StudioService;
  streams: StudioStreams;
  webchat: WebchatService;
  flights: ChannelFlights;
}

@Module({})
export class AppModule {
  static register(runtime: Runtime, services: AppServices): DynamicModule {
    return {
      module: AppModule,
      controllers: [RestChannelController, ChannelController, AdminController, DeliveriesController, OpsController, StudioApiController, StudioPagesController, IdentityLinksController, WebchatController],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: TurnService, useValue: services.turns },
        { provide: AdminService, useValue: services.admin },
        { provide: DeliveriesService, useValue: services.deliveries },
        { provide: OutboxDispatcher, useValue: services.outbox },
        { provide: SchedulerService, useValue: services.scheduler },
        { provide: StudioService, useValue: services.studio },
        { provide: StudioStreams, useValue: services.streams },
        { provide: WebchatService, useValue: services.webchat },
        { provide: ChannelFlights, useValue: services.flights },
        { provide: ConversationRepository, useValue: new ConversationRepository(runtime.db) },
        AdminGuard,
      ],
    };
  }
}
