import { Module, type DynamicModule } from '@nestjs/common';
import { AdminController } from './admin/admin.controller';
import { AdminGuard } from './admin/admin.guard';
import { AdminService } from './admin/admin.service';
import { RestChannelController } from './channels/rest-channel.controller';
import { SchedulerService } from './jobs/scheduler.service';
import { OpsController } from './ops/ops.controller';
import { OutboxDispatcher } from './outbox/outbox.dispatcher';
import type { Runtime } from './runtime';
import { RUNTIME } from './tokens';
import { TurnService } from './turns/turn.service';

/** Services built by the composition root (`createApp`), handed to Nest as values. */
export interface AppServices {
  turns: TurnService;
  admin: AdminService;
  outbox: OutboxDispatcher;
  scheduler: SchedulerService;
}

@Module({})
export class AppModule {
  static register(runtime: Runtime, services: AppServices): DynamicModule {
    return {
      module: AppModule,
      controllers: [RestChannelController, AdminController, OpsController],
      providers: [
        { provide: RUNTIME, useValue: runtime },
        { provide: TurnService, useValue: services.turns },
        { provide: AdminService, useValue: services.admin },
        { provide: OutboxDispatcher, useValue: services.outbox },
        { provide: SchedulerService, useValue: services.scheduler },
        AdminGuard,
      ],
    };
  }
}
