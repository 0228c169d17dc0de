/** RegisterActivityType, DescribeActivityType, ListActivityTypes, (Un)DeprecateActivityType, DeleteActivityType. */
import type { ActivityTypeConfiguration } from '../model/shapes.js';
import type { Handler } from './context.js';
import { deleteType, deprecateType, describeTypeRecord, listTypeRecords, registerType, typeInfo, undeprecateType } from './types.js';

export const registerActivityType: Handler<'RegisterActivityType'> = (input, s) =>
  registerType(s, 'activity', input, {
    defaultTaskStartToCloseTimeout: input.defaultTaskStartToCloseTimeout,
    defaultTaskHeartbeatTimeout: input.defaultTaskHeartbeatTimeout,
    defaultTaskList: input.defaultTaskList,
    defaultTaskPriority: input.defaultTaskPriority,
    defaultTaskScheduleToStartTimeout: input.defaultTaskScheduleToStartTimeout,
    defaultTaskScheduleToCloseTimeout: input.defaultTaskScheduleToCloseTimeout,
  } satisfies ActivityTypeConfiguration);

export const describeActivityType: Handler<'DescribeActivityType'> = async (input, s) => {
  const record = await describeTypeRecord(s, 'activity', input.domain, input.activityType);
  return {
    typeInfo: { activityType: { name: record.name, version: record.version }, ...typeInfo(record) },
    configuration: record.configuration as ActivityTypeConfiguration,
  };
};

export const listActivityTypes: Handler<'ListActivityTypes'> = async (input, s) => {
  const { page, nextPageToken } = await listTypeRecords(s, 'activity', input);
  return {
    typeInfos: page.map((r) => ({ activityType: { name: r.name, version: r.version }, ...typeInfo(r) })),
    ...(nextPageToken ? { nextPageToken } : {}),
  };
};

export const deprecateActivityType: Handler<'DeprecateActivityType'> = (input, s) => deprecateType(s, 'activity', input.domain, input.activityType);
export const undeprecateActivityType: Handler<'UndeprecateActivityType'> = (input, s) => undeprecateType(s, 'activity', input.domain, input.activityType);
export const deleteActivityType: Handler<'DeleteActivityType'> = (input, s) => deleteType(s, 'activity', input.domain, input.activityType);
