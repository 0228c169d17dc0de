/**
 * The one user of the auth benchmark: what a deployment's worker and decider would have, with
 * conditions on task lists and a Deny, so each call and decision is judged as in production.
 */
export const BENCH_AUTH = {
  accountId: '123456789012',
  users: [
    {
      name: 'bench',
      accessKeyId: 'AKIDBENCHEXAMPLE',
      secretAccessKey: 'bench-secret-EXAMPLE',
      policies: [
        {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['swf:Register*', 'swf:Describe*', 'swf:GetWorkflowExecutionHistory', 'swf:StartWorkflowExecution'], Resource: 'arn:aws:swf:*:123456789012:/domain/*' },
            { Effect: 'Allow', Action: ['swf:PollForDecisionTask', 'swf:PollForActivityTask'], Resource: 'arn:aws:swf:*:123456789012:/domain/*', Condition: { StringLike: { 'swf:taskList.name': ['decisions-*', 'activities-*'] } } },
            { Effect: 'Allow', Action: ['swf:Respond*', 'swf:RecordActivityTaskHeartbeat', 'swf:CompleteWorkflowExecution'], Resource: 'arn:aws:swf:*:123456789012:/domain/*' },
            { Effect: 'Allow', Action: 'swf:ScheduleActivityTask', Resource: 'arn:aws:swf:*:123456789012:/domain/*', Condition: { StringLike: { 'swf:taskList.name': 'activities-*' }, StringEquals: { 'swf:activityType.name': 'step' } } },
            { Effect: 'Deny', Action: ['swf:TerminateWorkflowExecution', 'swf:Delete*'], Resource: '*' },
          ],
        },
      ],
    },
  ],
};

