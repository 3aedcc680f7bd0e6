/**
 * The reference's assessment (quiz) workflow, with seconds instead of minutes.
 *
 * @module
 */

import { activity, step, Workflow, workflow, type WorkflowContext } from "../engine/mod.ts";

/** Input of {@linkcode AssessmentWorkflow}. */
export interface QuizInput {
  /** The lesson the quiz is about. */
  lessonId: string;
  /** How long students get, in seconds. @default from FetchWaitTime */
  waitSeconds?: number;
}

/** State (and result) of {@linkcode AssessmentWorkflow}. */
export interface QuizState {
  /** Generated quiz. */
  quizId: string;
  /** Seconds to wait for submissions. */
  waitTime: number;
  /** What came in. */
  submissions: string[];
  /** The assessment. */
  result: { quizId: string; score: number; status: string };
}

/** Makes a quiz id. */
export const generateQuiz = activity(
  { name: "GenerateQuiz" },
  (lessonId: string) => `Quiz-${lessonId}-${Math.floor(1000 + Math.random() * 9000)}`,
);
/** Publishes the quiz. */
export const sendQuizToLms = activity({ name: "SendQuizToLMS" }, (_quizId: string) => true);
/** How long students get (seconds). */
export const fetchWaitTime = activity({ name: "FetchWaitTime" }, () => 2);
/** Collects submissions. */
export const pullSubmissions = activity(
  { name: "PullSubmissions" },
  (quizId: string) => [`${quizId}: submission 1`, `${quizId}: submission 2`],
);
/** Scores the quiz. */
export const assessResult = activity(
  { name: "AssessResult" },
  (quizId: string, submissions: string[]) => ({
    quizId,
    score: 50 + submissions.length * 20,
    status: "Completed",
  }),
);
/** Stores the result. */
export const storeResult = activity(
  { name: "StoreResult" },
  (result: { quizId: string; score: number }) => `stored ${result.quizId}: ${result.score}`,
);

/** Generates a quiz, waits for submissions, assesses them. */
@workflow({
  name: "AssessmentWorkflow",
  version: "1.0.0",
  description: "A workflow for quiz management",
})
export class AssessmentWorkflow extends Workflow<QuizInput, QuizState> {
  /** Makes the quiz. */
  @step({ name: "generate_quiz" })
  async generate(ctx: WorkflowContext<QuizInput, QuizState>): Promise<void> {
    ctx.logger.info("Generating quiz...");
    await ctx.state.set("quizId", await ctx.activity(generateQuiz, ctx.input.lessonId));
  }

  /** Publishes it. */
  @step({ name: "send_to_lms" })
  async send(ctx: WorkflowContext<QuizInput, QuizState>): Promise<void> {
    const quizId = ctx.state.get("quizId", "");
    ctx.logger.info(`Sending quiz ${quizId} to the LMS`);
    await ctx.activity(sendQuizToLms, quizId);
  }

  /** Finds out how long to wait. */
  @step({ name: "fetch_wait_time" })
  async waitTime(ctx: WorkflowContext<QuizInput, QuizState>): Promise<void> {
    const seconds = ctx.input.waitSeconds ?? await ctx.activity(fetchWaitTime);
    await ctx.state.set("waitTime", seconds);
  }

  /** Waits durably. */
  @step({ name: "wait_step" })
  async wait(ctx: WorkflowContext<QuizInput, QuizState>): Promise<void> {
    const seconds = ctx.state.get("waitTime", 0);
    ctx.logger.info(`Waiting ${seconds} s for submissions`);
    await ctx.sleep({ seconds });
  }

  /** Collects submissions. */
  @step({ name: "pull_submissions" })
  async pull(ctx: WorkflowContext<QuizInput, QuizState>): Promise<void> {
    const submissions = await ctx.activity(pullSubmissions, ctx.state.get("quizId", ""));
    await ctx.state.set("submissions", submissions);
  }

  /** Scores them. */
  @step({ name: "assess_result" })
  async assess(ctx: WorkflowContext<QuizInput, QuizState>): Promise<void> {
    const result = await ctx.activity(
      assessResult,
      ctx.state.get("quizId", ""),
      ctx.state.get("submissions", []),
    );
    await ctx.state.set("result", result);
  }

  /** Stores the result. */
  @step({ name: "store_result" })
  async store(ctx: WorkflowContext<QuizInput, QuizState>): Promise<void> {
    const result = ctx.state.get("result");
    if (result !== undefined) ctx.logger.info(await ctx.activity(storeResult, result));
  }
}
